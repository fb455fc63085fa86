import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyStatusResponseDto, RewrapResponseDto, RotationResponseDto } from './dto/keys.dto';
import { KekRingService } from './kek-ring.service';

@Injectable()
export class KeysService {
  constructor(
    private readonly ring: KekRingService,
    private readonly dataSource: DataSource,
  ) {}

  async status(): Promise<KeyStatusResponseDto> {
    const rows = await this.dataSource.query<{ kek_version: number; n: number }[]>(
      `SELECT kek_version, count(*)::int AS n FROM drm.content GROUP BY kek_version ORDER BY kek_version`,
    );
    return {
      currentVersion: await this.ring.currentVersion(),
      minDecryptionVersion: this.ring.minDecryptionVersion,
      configuredVersions: this.ring.configuredVersions(),
      keysByVersion: Object.fromEntries(rows.map((r) => [String(r.kek_version), r.n])),
    };
  }

  async rotate(): Promise<RotationResponseDto> {
    const { previousVersion, currentVersion } = await this.ring.rotate();
    return { previousVersion, currentVersion };
  }

  async rewrap(batchSize?: number): Promise<RewrapResponseDto> {
    const r = await this.ring.rewrap(batchSize);
    return { currentVersion: r.currentVersion, rewrapped: r.rewrapped, failed: r.failed, batches: r.batches };
  }
}
