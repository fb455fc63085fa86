import { IsBytes32, ValidateUUID } from './fields';

/** Events about one resource share a partition, so consumers see them in order. */
export class ResourceKey {
  @ValidateUUID()
  resourceId!: string;
}

/** Events about one order (payment, licence) share a partition. */
export class OrderKey {
  @IsBytes32()
  orderId!: string;
}
