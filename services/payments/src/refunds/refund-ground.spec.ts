import { refundGround } from './refund-ground';

const at = (seconds: number): Date => new Date(Date.UTC(2025, 0, 31, 12, 0, seconds));

describe('refund ground', () => {
  it('refuses an order with no failed delivery, released or not', () => {
    for (const release of [null, at(5)]) {
      const verdict = refundGround([], release);
      expect(verdict).toEqual({ granted: false, missing: expect.stringMatching(/^No failed delivery is recorded/) });
    }
  });

  it('grants an integrity failure even when a release came after it', () => {
    const failures = [
      { reason: 'storage_unavailable', failedAt: at(1) },
      { reason: 'integrity', failedAt: at(2) },
    ];
    expect(refundGround(failures, at(10))).toEqual({ granted: true, ground: 'integrity' });
  });

  it('grants a storage failure that no release followed', () => {
    expect(refundGround([{ reason: 'storage_unavailable', failedAt: at(5) }], null)).toEqual({
      granted: true,
      ground: 'undelivered',
    });
    // Released earlier, then the next attempt failed: the buyer may have lost access since.
    expect(refundGround([{ reason: 'key_unavailable', failedAt: at(5) }], at(1))).toMatchObject({ granted: true });
  });

  it('counts a release stamped with the failure’s own time as the release that broke off', () => {
    expect(refundGround([{ reason: 'storage_unavailable', failedAt: at(5) }], at(5))).toMatchObject({
      granted: true,
    });
  });

  it('refuses when the content was released after the latest failure, naming both', () => {
    const failures = [
      { reason: 'audit_unavailable', failedAt: at(1) },
      { reason: 'storage_unavailable', failedAt: at(3) },
    ];
    const verdict = refundGround(failures, at(4));
    expect(verdict.granted).toBe(false);
    expect(verdict).toMatchObject({
      missing: expect.stringContaining('No integrity failure is recorded'),
    });
    expect(verdict).toMatchObject({ missing: expect.stringContaining('storage_unavailable at 2025-01-31T12:00:03') });
    expect(verdict).toMatchObject({ missing: expect.stringContaining('released at 2025-01-31T12:00:04') });
  });

  it('looks at the latest failure, whatever order the failures were recorded in', () => {
    const failures = [
      { reason: 'storage_unavailable', failedAt: at(9) },
      { reason: 'storage_unavailable', failedAt: at(2) },
    ];
    expect(refundGround(failures, at(5))).toMatchObject({ granted: true });
  });
});
