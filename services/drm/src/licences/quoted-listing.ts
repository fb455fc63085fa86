/** One version catalog put on sale, as drm recorded it. */
export interface ListedVersion {
  version: number;
  /** Price in token base units; null for listings recorded before drm kept prices. */
  price: bigint | null;
  accessDays: number | null;
  downloadQuota: number | null;
  /** When this version first went on sale. */
  listedAt: Date;
}

/** What a confirmed purchase tells about the quote it paid. */
export interface PaidQuote {
  /** Gross amount paid: the quote's fee plus payees, which is the listed price exactly. */
  amount: bigint;
  /** Timestamp of the block the purchase was mined in. */
  minedAt: Date;
}

/**
 * The fallback for legacy quotes: which of the listings carrying the purchase's licence hash the quote was made for,
 * or undefined when none does.
 *
 * Quotes now carry `licenceCommitment`, which names the listed version exactly. Quotes signed before that carry the
 * bare licence terms hash, which covers only the legal terms (commercial use, derivatives, redistribution, ...), not
 * the version, the price, the access days or the download quota, so a relisting that keeps the legal terms keeps the
 * hash. The rest narrows it down:
 * - the amount is signed into the quote too, so a listing at another price cannot be the one quoted (should no
 *   candidate match it, the hash alone decides rather than losing the legal terms the buyer signed for);
 * - a quote is issued from the listing on sale at the time, which is before the purchase is mined. A listed
 *   version stays on sale until the next one replaces it, so the newest version listed at or before the block is
 *   the one on sale when the purchase went through, and the quote's unless a relisting with the same legal terms
 *   and price landed inside the quote's lifetime, which such a legacy hash cannot tell apart;
 * - when every candidate was listed after the block, the chain's clock is behind catalog's (a local node whose
 *   time was moved, or plain skew) and says nothing about the order of listings and purchase: the newest listing
 *   is taken then, since a quote is always issued from the listing currently on sale.
 */
export function quotedListing(candidates: readonly ListedVersion[], paid: PaidQuote): ListedVersion | undefined {
  const samePrice = candidates.filter((l) => l.price === null || l.price === paid.amount);
  const pool = samePrice.length > 0 ? samePrice : candidates;
  const byListing = [...pool].sort((a, b) => a.listedAt.getTime() - b.listedAt.getTime() || a.version - b.version);
  const onSale = byListing.filter((l) => l.listedAt.getTime() <= paid.minedAt.getTime());
  return onSale.at(-1) ?? byListing.at(-1);
}
