import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@tessera/common';
import type { Readable } from 'node:stream';
import { ContentReaderService } from '../content/content-reader.service';
import { ContentRepository } from '../content/content.repository';
import { KekRingService } from '../keys/kek-ring.service';
import { LicenceRepository } from '../licences/licence.repository';
import { readCsvVotes } from '../watermark/csv-watermark';
import { licenceFingerprint, matchPValue, matchVotes, type Votes } from '../watermark/fingerprint';
import { readImageVotes } from '../watermark/image-watermark';
import { readManifest } from '../watermark/manifest';
import { watermarkKind } from '../watermark/watermark-kind';
import { TraceMatchDto, TraceQueryDto, TraceResponseDto } from './dto/trace.dto';

const MAX_SUSPECT_BYTES = 256 * 1024 * 1024;
/**
 * A copy is attributed only when the agreement could hardly be chance. Every licence of the resource is tested,
 * so the bound is family-wise (Bonferroni): with N licences each must reach p < FALSE_MATCH_RATE / N. A
 * per-licence bound such as p < 0.001 would name an innocent buyer in about N/1000 of traces.
 */
const FALSE_MATCH_RATE = 1e-6;
const MIN_EVIDENCED_BITS = 32;

async function readBody(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_SUSPECT_BYTES) {
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `A suspect copy may be at most ${MAX_SUSPECT_BYTES} bytes`);
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** Names the licence(s) whose watermark a leaked copy carries. */
@Injectable()
export class TraceService {
  constructor(
    private readonly contents: ContentRepository,
    private readonly licences: LicenceRepository,
    private readonly reader: ContentReaderService,
    private readonly ring: KekRingService,
  ) {}

  async trace(query: TraceQueryDto, body: Readable): Promise<TraceResponseDto> {
    const content = await this.contents.latest(query.resourceId);
    if (!content) {
      throw DomainError.notFound('Sealed content for this resource');
    }
    const suspect = await readBody(body);
    const secret = this.ring.secrets.watermarkSecret;
    const method = watermarkKind(content.mediaType);
    const licences = await this.licences.forResource(query.resourceId);
    if (method === 'manifest') {
      const manifest = readManifest(secret, suspect);
      const licence = manifest && licences.find((l) => l.id === manifest.licenceId);
      return {
        resourceId: query.resourceId,
        method,
        evidencedBits: licence ? 1 : 0,
        matches: licence
          ? [{ licenceId: licence.id, orderId: licence.orderId, buyer: licence.buyer, confidence: 1, agreement: 1 }]
          : [],
      };
    }
    let votes: Votes;
    if (method === 'csv') {
      votes = readCsvVotes(secret, suspect.toString('utf8'));
    } else {
      votes = readImageVotes(secret, suspect, await this.reader.readAll(content));
    }
    const matches: TraceMatchDto[] = [];
    let evidencedBits = 0;
    const tests = Math.max(1, licences.length);
    for (const licence of licences) {
      const m = matchVotes(votes, licenceFingerprint(secret, licence.id));
      evidencedBits = m.evidencedBits;
      const pValue = matchPValue(m);
      // Reported confidence is family-wise too: 1 − the chance that any licence would match this well by luck.
      const confidence = 1 - Math.min(1, pValue * tests);
      if (m.evidencedBits >= MIN_EVIDENCED_BITS && pValue < FALSE_MATCH_RATE / tests) {
        matches.push({
          licenceId: licence.id,
          orderId: licence.orderId,
          buyer: licence.buyer,
          confidence: Number(confidence.toFixed(6)),
          agreement: Number(m.agreement.toFixed(4)),
        });
      }
    }
    matches.sort((a, b) => b.agreement - a.agreement);
    return { resourceId: query.resourceId, method, evidencedBits, matches };
  }
}
