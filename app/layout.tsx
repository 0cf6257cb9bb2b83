import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import Link from 'next/link';
import './globals.css';
import { Providers } from '@/components/providers';
import { Nav } from '@/components/layout/nav';
import { UserMenu } from '@/components/auth/user-menu';
import { authenticate } from '@/lib/auth/guard';
import { firingAlertCounts } from '@/lib/alerts/service';

export const metadata: Metadata = {
  title: { default: 'Cowherd', template: '%s · Cowherd' },
  description: 'LVM snapshots of KVM guests, watched and operated safely',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Signed-out visitors (the login page) see no navigation into pages they cannot open.
  const signedIn = (await authenticate()) !== null;
  return (
    <html lang="en">
      <body className="min-h-screen">
        <Providers>
          <header className="bg-cow-900 text-white">
            <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-2">
              <Link href="/" className="text-lg font-semibold tracking-tight">
                Cowherd
              </Link>
              {signedIn && <Nav alerts={firingAlertCounts()} />}
              {signedIn && <UserMenu />}
            </div>
          </header>
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
