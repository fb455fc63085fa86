import { refusal } from '../release/licence-check';
import { GrantedLicenceResponseDto } from './dto/licence.dto';
import type { LicenceRecord } from './licence.repository';

/** The fields a licence shows its readers, named one by one so a new column is never exposed by accident. */
export function mapLicence(l: LicenceRecord, now = new Date()): GrantedLicenceResponseDto {
  // The same rule a release applies, so a holder can tell before asking for content why it would be refused.
  const refused = refusal(l, now);
  return {
    id: l.id,
    orderId: l.orderId,
    resourceId: l.resourceId,
    version: l.version,
    buyer: l.buyer,
    licenceHash: l.licenceHash,
    status: l.status,
    grantedAt: l.grantedAt.toISOString(),
    expiresAt: l.expiresAt?.toISOString() ?? null,
    downloadsRemaining: l.downloadsRemaining,
    revokedAt: l.revokedAt?.toISOString() ?? null,
    revokeReason: l.revokeReason,
    usable: refused === undefined,
    unusableReason: refused ?? null,
  };
}
