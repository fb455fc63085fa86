import { IsString, Length } from 'class-validator';
import { Optional, ValidateInt } from '../validation';

/** The page of a keyset-paginated list; each list's query DTO extends it with its own filters. */
export class CursorPageQueryDto {
  /** Opaque cursor from the previous page's `nextCursor`. */
  @Optional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @ValidateInt({ optional: true, min: 1, max: 200 })
  limit?: number;
}
