import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@tessera/auth';
import { GatewayErrors } from '../auth/gateway-errors';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponseDto, CreateApiKeyDto, IssuedApiKeyResponseDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@GatewayErrors()
@Controller('v1/orgs/:orgId/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /**
   * Issues an API key for the org. The response is the only time the key is shown. Needs an admin key, or
   * a key of the same org holding `keys:manage` (which cannot grant scopes it lacks itself).
   */
  @Post()
  issue(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', new ParseUUIDPipe()) orgId: string,
    @Body() dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyResponseDto> {
    return this.apiKeys.issue(principal, orgId, dto);
  }

  /** The org's keys without their secrets, revoked ones included. */
  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', new ParseUUIDPipe()) orgId: string,
  ): Promise<ApiKeyResponseDto[]> {
    return this.apiKeys.list(principal, orgId);
  }

  /** Revokes a key at once; requests with it get 401 `api-key-revoked`. */
  @Delete(':keyId')
  revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('orgId', new ParseUUIDPipe()) orgId: string,
    @Param('keyId', new ParseUUIDPipe()) keyId: string,
  ): Promise<ApiKeyResponseDto> {
    return this.apiKeys.revoke(principal, orgId, keyId);
  }
}
