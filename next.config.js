
// Content-Security-Policy (with a per-request nonce) and HSTS are set by proxy.ts, at run time; these headers are the
// same for every response, build assets included.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Separate build directories let several checkouts or test runs build side by side.
  distDir: process.env.COWHERD_DIST_DIR || '.next',
  poweredByHeader: false,
  serverExternalPackages: ['better-sqlite3'],
  // forbidden() renders app/forbidden.tsx (403) for a signed-in user whose role is too low.
  experimental: { authInterrupts: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
