import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsBigIntString, IsBytes32, IsTimestamp, IsVersion, ValidateUUID } from '../../common/fields';

/** Content of a resource version was fingerprinted, encrypted and stored. Carries no key material. */
export class ContentSealedValue {
  @ValidateUUID()
  resourceId!: string;

  @IsVersion()
  version!: number;

  /** The organisation that uploaded the content; catalog ignores a seal for another org's resource. */
  @ValidateUUID()
  ownerOrgId!: string;

  /** Media type the owner declared and drm checked while sealing (e.g. text/csv, image/png). */
  @IsString()
  @Length(3, 255)
  mediaType!: string;

  /** SHA-256 Merkle root over the plaintext segments. */
  @IsBytes32()
  contentRoot!: string;

  @IsBigIntString()
  plaintextSize!: string;

  @IsBigIntString()
  ciphertextSize!: string;

  @IsInt()
  @Min(1)
  segmentSize!: number;

  /** Near-duplicate sketch: MinHash signature as unsigned 32-bit integers. */
  @ApiProperty({ type: [Number] })
  @IsArray()
  @ArrayMaxSize(1024)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(0xffffffff, { each: true })
  sketch!: number[];

  /** Object key of the ciphertext in the content bucket. */
  @IsString()
  @Length(1, 1024)
  objectKey!: string;

  /** Version of the key-encryption key that wraps this resource's data key. */
  @IsInt()
  @Min(1)
  kekVersion!: number;

  @IsTimestamp()
  sealedAt!: string;
}
