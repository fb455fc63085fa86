import { Logger } from '@nestjs/common';
import WebSocket from 'ws';

const RECONNECT_START_MS = 500;
const RECONNECT_MAX_MS = 15_000;

/**
 * Calls `onHead` whenever the node announces a new block (`eth_subscribe("newHeads")` over WebSocket), so the
 * indexer reacts to a block at once instead of at its next poll. It is only a wake-up: the indexer still polls,
 * reads everything over HTTP and checks every block itself, so a lost or reordered notification costs latency,
 * never correctness.
 *
 * Written on `ws` directly: ethers' WebSocketProvider never reconnects after the socket closes, and a head
 * subscription needs nothing else from it.
 */
export class HeadWatcher {
  private readonly logger = new Logger(HeadWatcher.name);
  private socket?: WebSocket;
  private timer?: NodeJS.Timeout;
  private delay = RECONNECT_START_MS;
  private stopped = false;
  private connectedOnce = false;

  constructor(
    private readonly url: string,
    private readonly onHead: () => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.removeAllListeners();
    this.socket?.on('error', () => undefined);
    this.socket?.terminate();
    this.socket = undefined;
  }

  private connect(): void {
    const socket = new WebSocket(this.url, { handshakeTimeout: 10_000 });
    this.socket = socket;
    socket.on('open', () => {
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
    });
    socket.on('message', (data: WebSocket.RawData) => {
      const message = parse(data);
      if (message?.id === 1) {
        if (message.error) {
          // A node without subscriptions will not grow them on a retry: poll only.
          this.logger.warn({ url: this.url, error: message.error }, 'the node refused newHeads; polling only');
          this.stop();
          return;
        }
        this.delay = RECONNECT_START_MS;
        if (!this.connectedOnce) {
          this.logger.log({ url: this.url }, 'following new heads');
        }
        this.connectedOnce = true;
        // Blocks may have arrived while the socket was down.
        this.onHead();
      } else if (message?.method === 'eth_subscription') {
        this.onHead();
      }
    });
    socket.on('error', (error) => {
      this.logger.debug({ url: this.url, err: error }, 'head subscription socket error');
    });
    socket.on('close', () => {
      if (this.stopped || this.socket !== socket) {
        return;
      }
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
    });
  }
}

function parse(data: WebSocket.RawData): { id?: number; method?: string; error?: unknown } | undefined {
  try {
    const text = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    return JSON.parse(text.toString('utf8')) as { id?: number; method?: string; error?: unknown };
  } catch {
    return undefined;
  }
}
