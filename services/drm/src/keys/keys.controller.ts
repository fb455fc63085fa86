import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes, Scope } from '@tessera/auth';
import { KeyStatusResponseDto, RewrapRequestDto, RewrapResponseDto, RotationResponseDto } from './dto/keys.dto';
import { KeysService } from './keys.service';

@ApiTags('keys')
@Controller('keys')
@RequireScopes(Scope.Admin)
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  /** KEK versions and how many data keys each one wraps. */
  @Get()
  status(): Promise<KeyStatusResponseDto> {
    return this.keys.status();
  }

  /** Makes the next configured KEK version current; new content is wrapped with it. */
  @Post('rotate')
  @HttpCode(200)
  rotate(): Promise<RotationResponseDto> {
    return this.keys.rotate();
  }

  /** Re-wraps every data key under the current KEK version, in batches. */
  @Post('rewrap')
  @HttpCode(200)
  rewrap(@Body() body: RewrapRequestDto): Promise<RewrapResponseDto> {
    return this.keys.rewrap(body.batchSize);
  }
}
