'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { primaryButton, secondaryButton } from './styles';

/** Form step: Cancel and Review (disabled while the form is invalid or a dry run is on its way). */
export function FormButtons({
  canReview,
  reviewing,
  cancelHref = '/snapshots',
}: {
  canReview: boolean;
  reviewing: boolean;
  cancelHref?: string;
}) {
  return (
    <div className="flex items-center justify-end gap-3">
      <Link href={cancelHref} className={secondaryButton}>
        Cancel
      </Link>
      <button type="submit" disabled={!canReview || reviewing} className={primaryButton}>
        {reviewing ? 'Planning…' : 'Review'}
      </button>
    </div>
  );
}

/** Review step: Back to the form, and the button that starts the job (given by the wizard). */
export function ReviewButtons({ onBack, disabled, children }: { onBack: () => void; disabled: boolean; children: ReactNode }) {
  return (
    <div className="flex items-center justify-end gap-3">
      <button type="button" onClick={onBack} disabled={disabled} className={secondaryButton}>
        Back
      </button>
      {children}
    </div>
  );
}
