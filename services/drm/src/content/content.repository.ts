import { Injectable } from '@nestjs/common';
import { type SketchBand } from '@tessera/crypto';
import { DataSource, type EntityManager } from 'typeorm';

/** One sealed content version. Only the wrapped data key is stored. */
export interface ContentRecord {
  id: string;
  resourceId: string;
  version: number;
  ownerOrgId: string;
  mediaType: string;
  objectKey: string;
  plaintextSize: number;
  ciphertextSize: number;
  segmentSize: number;
  contentRoot: Buffer;
  segmentHashes: Buffer;
  sketch: string;
  sketchKind: 'minhash' | 'phash';
  wrappedKey: Buffer;
  kekVersion: number;
  accessDays: number | null;
  maxDownloads: number | null;
  sealedAt: Date;
}

interface ContentRow {
  id: string;
  resource_id: string;
  version: number;
  owner_org_id: string;
  media_type: string;
  object_key: string;
  plaintext_size: string;
  ciphertext_size: string;
  segment_size: number;
  content_root: Buffer;
  segment_hashes: Buffer;
  sketch: string;
  sketch_kind: 'minhash' | 'phash';
  wrapped_key: Buffer;
  kek_version: number;
  access_days: number | null;
  max_downloads: number | null;
  sealed_at: Date;
}

function toRecord(r: ContentRow): ContentRecord {
  return {
    id: r.id,
    resourceId: r.resource_id,
    version: r.version,
    ownerOrgId: r.owner_org_id,
    mediaType: r.media_type,
    objectKey: r.object_key,
    plaintextSize: Number(r.plaintext_size),
    ciphertextSize: Number(r.ciphertext_size),
    segmentSize: r.segment_size,
    contentRoot: r.content_root,
    segmentHashes: r.segment_hashes,
    sketch: r.sketch,
    sketchKind: r.sketch_kind,
    wrappedKey: r.wrapped_key,
    kekVersion: r.kek_version,
    accessDays: r.access_days,
    maxDownloads: r.max_downloads,
    sealedAt: r.sealed_at,
  };
}

export interface SketchCandidate {
  resourceId: string;
  ownerOrgId: string;
  sketch: string;
}

@Injectable()
export class ContentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The content row and its sketch's band keys (the near-duplicate index), in the caller's transaction. */
  async insert(manager: EntityManager, c: ContentRecord, bands: readonly SketchBand[]): Promise<void> {
    await manager.query(
      `INSERT INTO drm.content (id, resource_id, version, owner_org_id, media_type, object_key, plaintext_size,
         ciphertext_size, segment_size, content_root, segment_hashes, sketch, sketch_kind, wrapped_key, kek_version,
         access_days, max_downloads, sealed_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
      [
        c.id,
        c.resourceId,
        c.version,
        c.ownerOrgId,
        c.mediaType,
        c.objectKey,
        c.plaintextSize,
        c.ciphertextSize,
        c.segmentSize,
        c.contentRoot,
        c.segmentHashes,
        c.sketch,
        c.sketchKind,
        c.wrappedKey,
        c.kekVersion,
        c.accessDays,
        c.maxDownloads,
        c.sealedAt,
      ],
    );
    await manager.query(
      `INSERT INTO drm.content_sketch_band (content_id, band, key)
       SELECT $1, band, key FROM unnest($2::smallint[], $3::bigint[]) AS t (band, key)`,
      [c.id, bands.map((b) => b.band), bands.map((b) => b.key.toString())],
    );
  }

  /** Newest version of a resource's content. */
  async latest(
    resourceId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ContentRecord | undefined> {
    const rows = await manager.query<ContentRow[]>(
      `SELECT * FROM drm.content WHERE resource_id = $1 ORDER BY version DESC LIMIT 1`,
      [resourceId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async byVersion(
    resourceId: string,
    version: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ContentRecord | undefined> {
    const rows = await manager.query<ContentRow[]>(
      `SELECT * FROM drm.content WHERE resource_id = $1 AND version = $2`,
      [resourceId, version],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Other owners' content of this kind sharing at least `minShared` band keys with `bands`: the only content that
   * can be close to a sketch with those bands (see sketchBands in @tessera/crypto). Reads the key index, not every
   * sketch.
   */
  async sketchesSharingBands(
    ownerOrgId: string,
    kind: 'minhash' | 'phash',
    bands: readonly SketchBand[],
    minShared: number,
  ): Promise<SketchCandidate[]> {
    const rows = await this.dataSource.query<{ resource_id: string; owner_org_id: string; sketch: string }[]>(
      `SELECT c.resource_id, c.owner_org_id, c.sketch
         FROM (SELECT content_id FROM drm.content_sketch_band WHERE key = ANY ($1::bigint[])
                GROUP BY content_id HAVING count(*) >= $2) s
         JOIN drm.content c ON c.id = s.content_id
        WHERE c.sketch_kind = $3 AND c.owner_org_id <> $4`,
      [bands.map((b) => b.key.toString()), minShared, kind, ownerOrgId],
    );
    return rows.map((r) => ({ resourceId: r.resource_id, ownerOrgId: r.owner_org_id, sketch: r.sketch }));
  }

  /**
   * Every sketch of other owners' content of the same kind: a scan of all content, for thresholds too loose for
   * the band index to promise it finds every close sketch.
   */
  async sketchesOfOtherOwners(ownerOrgId: string, kind: 'minhash' | 'phash'): Promise<SketchCandidate[]> {
    const rows = await this.dataSource.query<{ resource_id: string; owner_org_id: string; sketch: string }[]>(
      `SELECT resource_id, owner_org_id, sketch FROM drm.content WHERE sketch_kind = $1 AND owner_org_id <> $2`,
      [kind, ownerOrgId],
    );
    return rows.map((r) => ({ resourceId: r.resource_id, ownerOrgId: r.owner_org_id, sketch: r.sketch }));
  }
}
