import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Principal } from '@tessera/auth';

/**
 * Limits per API key or wallet (not per route, and not per client address when a caller is known), so a
 * partner's budget is the same whichever endpoints it calls. Runs after EdgeAuthGuard has attached the principal.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = req.principal as Principal | undefined;
    if (principal?.kind === 'wallet') {
      return Promise.resolve(`wallet:${principal.wallet}`);
    }
    if (principal) {
      return Promise.resolve(`key:${principal.apiKeyId}`);
    }
    return Promise.resolve(`ip:${String(req.ip)}`);
  }

  /** Probes from the orchestrator must never be throttled into looking like an outage. */
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const path = context.switchToHttp().getRequest<{ path?: string }>().path;
    return Promise.resolve(context.getType() !== 'http' || path === '/health' || path === '/metrics');
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}
