import { ValidateInt } from '@tessera/common';

export class ListOrdersQueryDto {
  @ValidateInt({ optional: true, min: 1, max: 200 })
  limit?: number;
}
