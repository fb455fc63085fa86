import { Injectable } from '@nestjs/common';
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

  async insert(manager: EntityManager, c: ContentRecord): Promise<void> {
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
   * Sketches of other owners' content of the same kind. A linear scan: fine for thousands of items; beyond
   * that, MinHash LSH bands and pHash BK-trees index the same sketches.
   */
  async sketchesOfOtherOwners(ownerOrgId: string, kind: 'minhash' | 'phash'): Promise<SketchCandidate[]> {
    const rows = await this.dataSource.query<{ resource_id: string; owner_org_id: string; sketch: string }[]>(
      `SELECT resource_id, owner_org_id, sketch FROM drm.content WHERE sketch_kind = $1 AND owner_org_id <> $2`,
      [kind, ownerOrgId],
    );
    return rows.map((r) => ({ resourceId: r.resource_id, ownerOrgId: r.owner_org_id, sketch: r.sketch }));
  }
}
