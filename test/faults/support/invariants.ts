// The promises checked after every scenario, from the chain (what is canonical), Postgres (what each service
// did about it) and what clients saw.
import { setTimeout as sleep } from 'node:timers/promises';
import { Topic } from '@tessera/events';
import { waitFor } from '../../support/service-process';
import type { FaultRecord } from './faults';
import type { ClientLog, Purchase } from './load';
import type { FaultWorld } from './world';

export interface ScenarioReport {
  scenario: string;
  /** Purchases mined in the scenario and still on the canonical chain. */
  purchases: number;
  /** Purchases mined and then dropped by a reorg. */
  reverted: number;
  faults: FaultRecord[];
  /** Canonical purchases without a settled order, one active licence and one booking, after the drain time. */
  lost: number;
  /** Orders booked, settled or licensed more than once. */
  duplicated: number;
  maxRecoveryS: number;
  clients: ClientLog;
  /** Every broken invariant, in words. Empty when the scenario held. */
  violations: string[];
}

interface OrderState {
  order_id: string;
  status: string | null;
  active: number;
  settlements: number;
  reversals: number;
  settled_events: number;
  granted_events: number;
  granted_at: Date | null;
}

const OUTBOX_SCHEMAS = ['catalog', 'drm', 'payments', 'indexer', 'gateway'];

async function orderStates(world: FaultWorld, orderIds: string[]): Promise<Map<string, OrderState>> {
  const rows = await world.sql<OrderState & Record<string, unknown>>(
    `SELECT ids.order_id,
            o.status,
            (SELECT count(*)::int FROM drm.licence l WHERE l.order_id = ids.order_id AND l.status = 'active') AS active,
            (SELECT min(l.granted_at) FROM drm.licence l WHERE l.order_id = ids.order_id) AS granted_at,
            (SELECT count(DISTINCT e.journal_id)::int FROM payments.ledger_entries e
              WHERE e.order_id = o.id AND e.kind = 'settlement') AS settlements,
            (SELECT count(DISTINCT e.journal_id)::int FROM payments.ledger_entries e
              WHERE e.order_id = o.id AND e.kind <> 'settlement') AS reversals,
            (SELECT count(*)::int FROM payments.outbox x WHERE x.topic = $2 AND x.key = ids.order_id) AS settled_events,
            (SELECT count(*)::int FROM drm.outbox x WHERE x.topic = $3 AND x.key = ids.order_id) AS granted_events
     FROM unnest($1::text[]) AS ids(order_id)
     LEFT JOIN payments.orders o ON o.order_id = ids.order_id`,
    [orderIds, Topic.PaymentsOrderSettled, Topic.DrmLicenceGranted],
  );
  return new Map(rows.map((r) => [r.order_id, r]));
}

function complete(s: OrderState | undefined): boolean {
  return !!s && s.status === 'settled' && s.active === 1 && s.settlements === 1 && s.reversals === 0;
}

/** Dropped by a reorg: no licence, and either never settled or settled and reversed. */
function undone(s: OrderState | undefined): boolean {
  return !s || (s.active === 0 && s.status !== 'settled' && s.settlements === s.reversals);
}

/**
 * Waits up to `drainMs` for every canonical purchase to be settled and licensed (and every dropped one to be
 * undone), then checks the invariants and measures recovery.
 */
export async function checkInvariants(
  world: FaultWorld,
  scenario: string,
  fromBlock: number,
  mined: Purchase[],
  faults: FaultRecord[],
  clients: ClientLog,
  drainMs = 120_000,
): Promise<ScenarioReport> {
  const violations: string[] = [];
  const logs = await world.settlement.queryFilter(world.settlement.filters.Purchased(), fromBlock);
  const onChain = new Set(logs.map((l) => (l.topics[1] ?? '').toLowerCase()));
  const canonical = mined.filter((p) => onChain.has(p.orderId));
  const dropped = mined.filter((p) => !onChain.has(p.orderId));
  const ids = mined.map((p) => p.orderId);

  let states = await orderStates(world, ids);
  const deadline = Date.now() + drainMs;
  while (
    Date.now() < deadline &&
    (canonical.some((p) => !complete(states.get(p.orderId))) || dropped.some((p) => !undone(states.get(p.orderId))))
  ) {
    await sleep(500);
    states = await orderStates(world, ids);
  }

  const lost = canonical.filter((p) => !complete(states.get(p.orderId)));
  for (const p of lost.slice(0, 5)) {
    violations.push(
      `purchase ${p.orderId.slice(0, 18)}… on chain but not settled and licensed: ${JSON.stringify(states.get(p.orderId))}`,
    );
  }
  for (const p of dropped.filter((d) => !undone(states.get(d.orderId))).slice(0, 5)) {
    violations.push(
      `purchase ${p.orderId.slice(0, 18)}… dropped by a reorg still counts: ${JSON.stringify(states.get(p.orderId))}`,
    );
  }
  const duplicated = ids.filter((id) => {
    const s = states.get(id);
    return !!s && (s.settlements > 1 || s.settled_events > 1 || s.granted_events > 1);
  });
  for (const id of duplicated.slice(0, 5)) {
    violations.push(`order ${id.slice(0, 18)}… took effect twice: ${JSON.stringify(states.get(id))}`);
  }

  // A client retries a 503: the report reads the chain, which may be the scenario's lossy link.
  const recon = await waitFor(
    async () => {
      const reply = await world.gateway.call('GET', '/v1/payments/admin/reconciliation', world.adminCredentials());
      return reply.status === 503 && reply.headers.get('retry-after') ? undefined : reply;
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what: 'a reconciliation report' },
  );
  if (recon.status !== 200 || !recon.body.balanced || recon.body.differences.length > 0) {
    violations.push(
      `ledger and chain differ: ${recon.status} balanced=${recon.body?.balanced} ${JSON.stringify(recon.body?.differences ?? recon.body).slice(0, 400)}`,
    );
  }

  for (const schema of OUTBOX_SCHEMAS) {
    const [stuck] = await world.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NULL AND created_at < now() - interval '20 seconds'`,
    );
    if (stuck.n > 0) {
      violations.push(`${stuck.n} ${schema} outbox rows unpublished for more than 20 s`);
    }
  }

  const unsealed = await world.sql<{ id: string }>(
    `SELECT r.id FROM catalog.resources r
     WHERE r.owner_org_id = $1 AND r.status = 'listed'
       AND NOT EXISTS (SELECT 1 FROM drm.content c WHERE c.resource_id = r.id AND c.version = r.listed_version)`,
    [world.seller.orgId],
  );
  if (unsealed.length > 0) {
    violations.push(`the catalog lists ${unsealed.length} resources drm has not sealed`);
  }

  if (clients.wrong > 0) {
    violations.push(`${clients.wrong} wrong answers to clients: ${clients.wrongExamples.join(' | ')}`);
  }
  if (clients.unavailableWithoutRetryAfter > 0) {
    violations.push(
      `${clients.unavailableWithoutRetryAfter} 503s without Retry-After: ${clients.noRetryAfterExamples.join(' | ')}`,
    );
  }

  return {
    scenario,
    purchases: canonical.length,
    reverted: dropped.length,
    faults,
    lost: lost.length,
    duplicated: duplicated.length,
    maxRecoveryS: maxRecovery(faults, canonical, states),
    clients,
    violations,
  };
}

/**
 * Recovery of one fault: from its end until the thing taken away answered again and every purchase mined
 * before its end held its licence (the backlog drained). The scenario reports the longest.
 */
function maxRecovery(faults: FaultRecord[], canonical: Purchase[], states: Map<string, OrderState>): number {
  let worst = 0;
  for (const fault of faults) {
    let recoveredAt = fault.backAt;
    for (const p of canonical) {
      const granted = states.get(p.orderId)?.granted_at;
      if (p.minedAt <= fault.endedAt && granted) {
        recoveredAt = Math.max(recoveredAt, new Date(granted).getTime());
      }
    }
    worst = Math.max(worst, recoveredAt - fault.endedAt);
  }
  return worst / 1000;
}

export function reportTable(reports: ScenarioReport[]): string {
  const faultsOf = (r: ScenarioReport) => {
    const kinds = new Map<string, number>();
    for (const f of r.faults) {
      const kind = f.what.replace(/ depth \d+$/, '');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    return [...kinds].map(([k, n]) => (n > 1 ? `${n}× ${k}` : k)).join(', ');
  };
  const lines = [
    '| scenario | purchases | faults injected | lost | duplicated | max recovery | 503 + Retry-After | other 5xx | refused | wrong |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.scenario} | ${r.purchases}${r.reverted ? ` (+${r.reverted} reorged out)` : ''} | ${faultsOf(r)} | ${r.lost} | ${r.duplicated} | ${r.maxRecoveryS.toFixed(1)} s | ${r.clients.unavailableWithRetryAfter} | ${r.clients.otherServerErrors} | ${r.clients.refused} | ${r.clients.wrong} |`,
    ),
  ];
  return lines.join('\n');
}
