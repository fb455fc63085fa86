import { DomainError, type FieldError } from '@tessera/common';
import { PricingModel, ResourceKind } from '@tessera/events';
import { hashLicenceTerms, type LicenceTerms as JsonLicenceTerms } from '@tessera/chain';
import { createHash } from 'node:crypto';
import type { LicenceTermsDto, PayeeShareDto, PricingDto } from './dto/resource-input.dto';
import type { LicenceTerms, Payee } from './resource-version.entity';

export const FULL_SHARE_BPS = 10_000;

export interface PricingTerms {
  pricingModel: PricingModel;
  price: bigint;
  accessDays: number | null;
  downloadQuota: number | null;
}

/** Cross-field pricing rules the DTO cannot express alone. */
export function pricingTerms(dto: PricingDto): PricingTerms {
  const errors: FieldError[] = [];
  const price = BigInt(dto.price);
  if (dto.model === PricingModel.Free && price !== 0n) {
    errors.push({ field: 'pricing.price', message: 'must be "0" when the model is free' });
  }
  if (dto.model !== PricingModel.Free && price === 0n) {
    errors.push({ field: 'pricing.price', message: 'must be above 0 unless the model is free' });
  }
  if (dto.model !== PricingModel.TimeLimited && dto.accessDays !== undefined) {
    errors.push({ field: 'pricing.accessDays', message: 'only applies to time-limited pricing' });
  }
  if (dto.model !== PricingModel.Quota && dto.downloadQuota !== undefined) {
    errors.push({ field: 'pricing.downloadQuota', message: 'only applies to quota pricing' });
  }
  if (errors.length > 0) {
    throw DomainError.validation('pricing is inconsistent', errors);
  }
  return {
    pricingModel: dto.model,
    price,
    accessDays: dto.accessDays ?? null,
    downloadQuota: dto.downloadQuota ?? null,
  };
}

/** Plain licence terms (no undefined keys), so the canonical hash depends only on what was set. */
export function licenceTerms(dto: LicenceTermsDto): LicenceTerms {
  const terms: LicenceTerms = {
    commercialUse: dto.commercialUse,
    derivatives: dto.derivatives,
    redistribution: dto.redistribution,
    attribution: dto.attribution,
  };
  if (dto.maxSeats !== undefined) {
    terms.maxSeats = dto.maxSeats;
  }
  if (dto.territories !== undefined) {
    terms.territories = [...dto.territories];
  }
  if (dto.additionalTerms !== undefined) {
    terms.additionalTerms = dto.additionalTerms;
  }
  return terms;
}

/** keccak256 of the RFC 8785 canonical terms (built by `licenceTerms`, so every value is plain JSON). */
export function licenceHash(terms: LicenceTerms): string {
  return hashLicenceTerms(terms as unknown as JsonLicenceTerms);
}

/** Shares are whole basis points per org, each org once, summing to exactly 100%. */
export function payeeShares(payees: PayeeShareDto[]): Payee[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  payees.forEach((p, i) => {
    if (seen.has(p.orgId)) {
      errors.push({ field: `payees.${i}.orgId`, message: 'appears more than once' });
    }
    seen.add(p.orgId);
  });
  const total = payees.reduce((sum, p) => sum + p.shareBps, 0);
  if (total !== FULL_SHARE_BPS) {
    errors.push({ field: 'payees', message: `shares must sum to ${FULL_SHARE_BPS} basis points, got ${total}` });
  }
  if (errors.length > 0) {
    throw DomainError.validation('revenue shares are invalid', errors);
  }
  return payees.map((p) => ({ orgId: p.orgId, shareBps: p.shareBps }));
}

/** Components and payees belong to bundles and only to bundles. */
export function assertBundleFields(
  kind: ResourceKind,
  dto: { components?: unknown[]; payees?: unknown[] },
  creating: boolean,
): void {
  const errors: FieldError[] = [];
  if (kind === ResourceKind.Bundle) {
    if (creating && dto.components === undefined) {
      errors.push({ field: 'components', message: 'a bundle needs at least 2 components' });
    }
    if (creating && dto.payees === undefined) {
      errors.push({ field: 'payees', message: 'a bundle needs revenue shares' });
    }
  } else {
    if (dto.components !== undefined) {
      errors.push({ field: 'components', message: 'only bundles have components' });
    }
    if (dto.payees !== undefined) {
      errors.push({ field: 'payees', message: 'only bundles have revenue shares' });
    }
  }
  if (errors.length > 0) {
    throw DomainError.validation('bundle fields are invalid', errors);
  }
}

/** Registers per LSH band: 32 bands of 4 for a 128-register MinHash (candidate at Jaccard ≈ 0.4 and up). */
export const ROWS_PER_BAND = 4;

/**
 * LSH band hashes of a MinHash signature as signed 64-bit decimal strings (Postgres bigint). Two
 * sketches share a band hash when 4 consecutive registers agree, which makes similar content likely
 * to meet in the GIN index without comparing against every row.
 */
export function sketchBands(sketch: readonly number[]): string[] {
  const bands: string[] = [];
  for (let start = 0, band = 0; start + ROWS_PER_BAND <= sketch.length; start += ROWS_PER_BAND, band++) {
    const digest = createHash('sha256')
      .update(`${band}:${sketch.slice(start, start + ROWS_PER_BAND).join(',')}`)
      .digest();
    bands.push(digest.readBigInt64BE(0).toString());
  }
  return bands;
}
