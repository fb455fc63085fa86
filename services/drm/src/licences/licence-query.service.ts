import { Injectable } from '@nestjs/common';
import { type Principal } from '@tessera/auth';
import { DomainError } from '@tessera/common';
import { getAddress } from 'ethers';
import { decodeCursor, invalidCursor, toPage } from '../pagination/page-cursor';
import { GrantedLicenceListResponseDto, GrantedLicenceResponseDto, ListLicencesQueryDto } from './dto/licence.dto';
import { mapLicence } from './licence.mapper';
import { LicenceRepository } from './licence.repository';
import { licenceScopeOf } from './licence-visibility';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_LIMIT = 50;

/** Reads licences for their holder, the owner of the licensed resource, or an admin. */
@Injectable()
export class LicenceQueryService {
  constructor(private readonly licences: LicenceRepository) {}

  async list(principal: Principal, query: ListLicencesQueryDto): Promise<GrantedLicenceListResponseDto> {
    const scope = licenceScopeOf(principal);
    const limit = query.limit ?? DEFAULT_LIMIT;
    let after: string | undefined;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor, (id) => UUID.test(id), 'licences');
      // Only a licence the caller may read is a position in its list, so a cursor cannot probe for others.
      if (!(await this.licences.findVisible(after, scope))) {
        throw invalidCursor('licences');
      }
    }
    const rows = await this.licences.page(
      scope,
      {
        // Addresses are stored checksummed; lower-casing first accepts any spelling of a valid address.
        buyer: query.buyer === undefined ? undefined : getAddress(query.buyer.toLowerCase()),
        resourceId: query.resourceId?.toLowerCase(),
        status: query.status,
      },
      after,
      limit + 1,
    );
    return toPage(rows, limit, (l) => mapLicence(l));
  }

  /** 404 for a licence the caller may not read, exactly as for one that does not exist. */
  async get(principal: Principal, id: string): Promise<GrantedLicenceResponseDto> {
    const licence = await this.licences.findVisible(id.toLowerCase(), licenceScopeOf(principal));
    if (!licence) {
      throw DomainError.notFound('Licence');
    }
    return mapLicence(licence);
  }
}
