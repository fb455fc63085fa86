import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsAddress, IsBytes32, IsTimestamp, ValidateUUID } from '../../common/fields';

/** `key`: the data key wrapped to the buyer plus a ciphertext URL; `stream`: the watermarked plaintext. */
export const RELEASE_MODES = ['key', 'stream'] as const;

/**
 * drm audited a release of content to its licensed buyer. Written with the audit row, before the key is
 * unwrapped or the first byte streamed: a delivery that breaks off after it is reported by a
 * `drm.delivery.failed.v1` with a later `failedAt`. Carries no key material.
 */
export class ContentReleasedValue {
  @ValidateUUID()
  licenceId!: string;

  @IsBytes32()
  orderId!: string;

  @ValidateUUID()
  resourceId!: string;

  @IsAddress()
  buyer!: string;

  @ApiProperty({ enum: RELEASE_MODES })
  @IsIn(RELEASE_MODES)
  mode!: (typeof RELEASE_MODES)[number];

  @IsTimestamp()
  releasedAt!: string;
}
