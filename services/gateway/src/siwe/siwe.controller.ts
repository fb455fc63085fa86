import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SiweService } from '@tessera/auth';
import { GatewayErrors } from '../auth/gateway-errors';
import { PublicRoute } from '../auth/public-route';
import { SiweNonceResponseDto, SiweSessionResponseDto, SiweVerifyDto } from './dto/siwe.dto';

@ApiTags('auth')
@GatewayErrors()
@PublicRoute()
@Controller('v1/auth/siwe')
export class SiweController {
  constructor(private readonly siwe: SiweService) {}

  /** A single-use nonce for a Sign-In with Ethereum message. */
  @Get('nonce')
  nonce(): Promise<SiweNonceResponseDto> {
    return this.siwe.issueNonce();
  }

  /** Verifies a signed SIWE message and returns a wallet session token. */
  @Post('verify')
  @HttpCode(200)
  async verify(@Body() dto: SiweVerifyDto): Promise<SiweSessionResponseDto> {
    const session = await this.siwe.signIn(dto.message, dto.signature);
    return { token: session.token, expiresAt: session.expiresAt, wallet: session.wallet };
  }
}
