import { Injectable } from '@nestjs/common';
import { DomainError } from '@tessera/common';
import { getAddress } from 'ethers';
import { decodeCursor, invalidCursor, toPage } from '../pagination/page-cursor';
import { ListReleaseAuditQueryDto, ReleaseAuditListResponseDto, ReleaseAuditResponseDto } from './dto/audit.dto';
import { type ReleaseAuditRecord, ReleaseAuditRepository } from './release-audit.repository';

const DEFAULT_LIMIT = 50;
/** A bigserial id, no larger than Postgres' bigint. */
const MAX_BIGINT = 2n ** 63n - 1n;
const isAuditId = (id: string): boolean => /^[1-9][0-9]{0,18}$/.test(id) && BigInt(id) <= MAX_BIGINT;

function mapAudit(a: ReleaseAuditRecord): ReleaseAuditResponseDto {
  return {
    id: a.id,
    licenceId: a.licenceId,
    orderId: a.orderId,
    contentId: a.contentId,
    resourceId: a.resourceId,
    version: a.version,
    wallet: a.wallet,
    mode: a.mode,
    requestId: a.requestId,
    releasedAt: a.releasedAt.toISOString(),
  };
}

/** The release audit, for operators: who received which content, when, and how. */
@Injectable()
export class AuditService {
  constructor(private readonly audits: ReleaseAuditRepository) {}

  async list(query: ListReleaseAuditQueryDto): Promise<ReleaseAuditListResponseDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from >= to) {
      throw DomainError.validation('to must be after from', [{ field: 'to', message: 'must be after from' }]);
    }
    let after: string | undefined;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor, isAuditId, 'release audit rows');
      if (!(await this.audits.exists(after))) {
        throw invalidCursor('release audit rows');
      }
    }
    const rows = await this.audits.page(
      {
        licenceId: query.licenceId?.toLowerCase(),
        resourceId: query.resourceId?.toLowerCase(),
        // Wallets are audited checksummed; lower-casing first accepts any spelling of a valid address.
        wallet: query.wallet === undefined ? undefined : getAddress(query.wallet.toLowerCase()),
        from,
        to,
      },
      after,
      limit + 1,
    );
    return toPage(rows, limit, mapAudit);
  }
}
