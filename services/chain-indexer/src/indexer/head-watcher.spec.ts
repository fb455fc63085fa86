import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HeadWatcher } from './head-watcher';

/** A node's WebSocket endpoint reduced to newHeads: answers the subscription, then pushes heads on demand. */
class FakeNode {
  readonly server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  readonly sockets: WebSocket[] = [];
  subscriptions = 0;
  refuse = false;

  constructor() {
    this.server.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.on('message', (raw) => {
        const request = JSON.parse((raw as Buffer).toString('utf8')) as {
          id: number;
          method: string;
          params: unknown[];
        };
        if (request.method !== 'eth_subscribe' || request.params[0] !== 'newHeads') {
          return;
        }
        this.subscriptions++;
        socket.send(
          JSON.stringify(
            this.refuse
              ? { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'not supported' } }
              : { jsonrpc: '2.0', id: request.id, result: '0xsub' },
          ),
        );
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  head(): void {
    for (const socket of this.sockets) {
      socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: '0xsub' } }));
    }
  }

  dropConnections(): void {
    for (const socket of this.sockets.splice(0)) {
      socket.terminate();
    }
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HeadWatcher', () => {
  let node: FakeNode;
  let watcher: HeadWatcher | undefined;

  beforeEach(async () => {
    node = new FakeNode();
    await once(node.server, 'listening');
  });

  afterEach(async () => {
    watcher?.stop();
    await node.close();
  });

  it('wakes once when subscribed (heads may have been missed) and once per announced head', async () => {
    let wakes = 0;
    watcher = new HeadWatcher(node.url, () => wakes++);
    watcher.start();
    await until(() => wakes === 1, 'the wake after subscribing');
    node.head();
    node.head();
    await until(() => wakes === 3, 'a wake per head');
  });

  it('subscribes again after the connection drops, and keeps waking', async () => {
    let wakes = 0;
    watcher = new HeadWatcher(node.url, () => wakes++);
    watcher.start();
    await until(() => node.subscriptions === 1 && wakes === 1, 'the first subscription');
    node.dropConnections();
    await until(() => node.subscriptions === 2, 'the second subscription');
    node.head();
    await until(() => wakes === 3, 'the wake after reconnecting and the head');
  });

  it('gives up (the indexer polls) when the node refuses the subscription', async () => {
    node.refuse = true;
    let wakes = 0;
    watcher = new HeadWatcher(node.url, () => wakes++);
    watcher.start();
    await until(() => node.subscriptions === 1, 'the subscription attempt');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(node.subscriptions).toBe(1);
    expect(wakes).toBe(0);
  });

  it('stops reconnecting once stopped', async () => {
    watcher = new HeadWatcher(node.url, () => undefined);
    watcher.start();
    await until(() => node.subscriptions === 1, 'the first subscription');
    watcher.stop();
    node.dropConnections();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(node.subscriptions).toBe(1);
  });
});
