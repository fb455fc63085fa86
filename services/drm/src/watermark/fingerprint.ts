import { createHmac } from 'node:crypto';

/** Bits of a licence fingerprint; 64 random-looking bits separate any two licences by ~32 bits. */
export const FINGERPRINT_BITS = 64;

export type Bits = Uint8Array;

export function hmac(secret: Buffer, label: string): Buffer {
  return createHmac('sha256', secret).update(label).digest();
}

/** The licence's mark: derived from the secret and the licence id, so nothing per licence is stored. */
export function licenceFingerprint(secret: Buffer, licenceId: string): Bits {
  const digest = hmac(secret, `licence-fingerprint:${licenceId}`);
  const bits = new Uint8Array(FINGERPRINT_BITS);
  for (let i = 0; i < FINGERPRINT_BITS; i++) {
    bits[i] = (digest[i >> 3] >> (i & 7)) & 1;
  }
  return bits;
}

/** Per fingerprint bit: evidence for 1 (positive) or 0 (negative); 0 means no evidence. */
export type Votes = Float64Array;

export interface Match {
  /** Share of evidenced bits that agree with the licence's fingerprint. */
  agreement: number;
  /** Fingerprint bits with any evidence. */
  evidencedBits: number;
}

export function matchVotes(votes: Votes, fingerprint: Bits): Match {
  let agree = 0;
  let evidenced = 0;
  for (let i = 0; i < FINGERPRINT_BITS; i++) {
    if (votes[i] === 0) {
      continue;
    }
    evidenced += 1;
    if ((votes[i] > 0 ? 1 : 0) === fingerprint[i]) {
      agree += 1;
    }
  }
  return { agreement: evidenced === 0 ? 0 : agree / evidenced, evidencedBits: evidenced };
}

/**
 * P-value of a match: the chance that n fair coin flips agree with a fingerprint on at least as many bits.
 * An unmarked copy agrees with any fingerprint on about half the bits, which gives a p-value near 0.5.
 */
export function matchPValue(m: Match): number {
  const n = m.evidencedBits;
  const k = Math.round(m.agreement * n);
  let tail = 0;
  for (let i = k; i <= n; i++) {
    tail += binomial(n, i);
  }
  return tail / 2 ** n;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) {
    r = (r * (n - k + i)) / i;
  }
  return r;
}
