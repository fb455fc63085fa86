import { IsAddress, IsBytes32, IsTimestamp, IsVersion, ValidateUUID } from '../../common/fields';

/** The buyer may now fetch the content of `version`. */
export class LicenceGrantedValue {
  @ValidateUUID()
  licenceId!: string;

  @IsBytes32()
  orderId!: string;

  @ValidateUUID()
  resourceId!: string;

  @IsVersion()
  version!: number;

  @IsAddress()
  buyer!: string;

  @IsBytes32()
  licenceHash!: string;

  @IsTimestamp()
  grantedAt!: string;

  @IsTimestamp({ optional: true })
  expiresAt?: string;
}
