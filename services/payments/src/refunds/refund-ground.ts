/** A delivery failure drm reported for an order. */
export interface RecordedFailure {
  reason: string;
  failedAt: Date;
}

export type RefundGround = { granted: true; ground: 'integrity' | 'undelivered' } | { granted: false; missing: string };

const NEEDED = 'a refund needs an integrity failure, or a delivery failure with no successful release after it';

/**
 * Whether the recorded deliveries ground a refund request. An integrity failure always does: the buyer may hold
 * a key to content that does not match what was sold. Any other failure (storage, key or audit unavailable) does
 * only while no release came after the latest one, since a later release means the buyer got the content.
 * A release at the same instant as a failure does not count as after it: drm audits a release before it
 * unwraps or streams, so a failure stamped with the same time broke off that very release.
 */
export function refundGround(failures: readonly RecordedFailure[], lastReleaseAt: Date | null): RefundGround {
  if (failures.length === 0) {
    return { granted: false, missing: `No failed delivery is recorded for this order: ${NEEDED}` };
  }
  if (failures.some((f) => f.reason === 'integrity')) {
    return { granted: true, ground: 'integrity' };
  }
  const latest = failures.reduce((a, b) => (b.failedAt > a.failedAt ? b : a));
  if (lastReleaseAt === null || lastReleaseAt <= latest.failedAt) {
    return { granted: true, ground: 'undelivered' };
  }
  return {
    granted: false,
    missing:
      `No integrity failure is recorded, and the content was released at ${lastReleaseAt.toISOString()}, after ` +
      `the latest failed delivery (${latest.reason} at ${latest.failedAt.toISOString()}): ${NEEDED}`,
  };
}
