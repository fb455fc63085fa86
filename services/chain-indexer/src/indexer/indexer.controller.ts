import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireScopes, Scope } from '@tessera/auth';
import { IndexerStatusResponseDto } from './dto/indexer-status.response.dto';
import { ReindexRequestDto } from './dto/reindex.request.dto';
import { IndexerService, type IndexerStatus } from './indexer.service';

function toStatusDto(status: IndexerStatus): IndexerStatusResponseDto {
  return {
    chainId: status.chainId,
    contract: status.contract,
    leader: status.leader,
    head: status.head,
    checkpoint: status.checkpoint,
    lagBlocks: status.lagBlocks,
    lagSeconds: status.lagSeconds,
    confirmations: status.confirmations,
    haltedReason: status.haltedReason,
  };
}

@ApiTags('indexer')
@RequireScopes(Scope.Admin)
@Controller('admin/indexer')
export class IndexerController {
  constructor(private readonly indexer: IndexerService) {}

  /** Head, checkpoint, lag and leadership of this replica. */
  @Get('status')
  async status(): Promise<IndexerStatusResponseDto> {
    return toStatusDto(await this.indexer.status());
  }

  /** Re-reads the chain from a block; reverts events of blocks no longer canonical and clears a halt. */
  @Post('reindex')
  @HttpCode(202)
  async reindex(@Body() body: ReindexRequestDto): Promise<IndexerStatusResponseDto> {
    return toStatusDto(await this.indexer.reindexFrom(body.fromBlock));
  }
}
