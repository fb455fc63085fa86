/**
 * MinHash sketching on a worker thread, so a seal's per-byte sketch work runs beside its hashing, encryption and
 * I/O instead of in series with them. The sketch is computed by the same MinHasher, over the same bytes in the same
 * order, so it is bit-identical to an in-thread one.
 *
 * One worker per process serves every open sketch (each seal has its own MinHasher there). Bytes travel in batches
 * of BATCH_BYTES copied into buffers that are transferred to the worker and back, never cloned; each sketch owns at
 * most MAX_BATCHES of them, so a sketch that falls behind makes `update()` wait (backpressure to the upload) and the
 * memory a sketch holds stays bounded whatever the content size.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { type MinHashOptions, type MinHashSketch } from './minhash';

const BATCH_BYTES = 1024 * 1024;
const MAX_BATCHES = 4;

export type ToWorker =
  | { op: 'open'; id: number; opts: MinHashOptions }
  | { op: 'data'; id: number; batch: ArrayBuffer; length: number }
  | { op: 'digest'; id: number }
  | { op: 'close'; id: number };

export type FromWorker =
  | { op: 'batch'; id: number; batch: ArrayBuffer }
  | { op: 'digest'; id: number; sketch: MinHashSketch }
  | { op: 'error'; id: number; message: string };

interface Session {
  free: ArrayBuffer[];
  waiting: (() => void) | undefined;
  digest: { resolve: (s: MinHashSketch) => void; reject: (e: Error) => void } | undefined;
  failure: Error | undefined;
}

/** The process's sketch worker; started on first use, and it never keeps the process alive on its own. */
class SketchThread {
  private worker: Worker | undefined;
  private readonly sessions = new Map<number, Session>();
  private nextId = 1;

  open(opts: MinHashOptions): { id: number; session: Session } {
    const worker = this.start();
    const id = this.nextId++;
    const session: Session = { free: [], waiting: undefined, digest: undefined, failure: undefined };
    this.sessions.set(id, session);
    if (this.sessions.size === 1) {
      worker.ref();
    }
    this.post({ op: 'open', id, opts });
    return { id, session };
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker!.postMessage(message, transfer);
  }

  close(id: number): void {
    if (this.sessions.delete(id)) {
      this.post({ op: 'close', id });
      if (this.sessions.size === 0) {
        this.worker?.unref();
      }
    }
  }

  private start(): Worker {
    if (this.worker) {
      return this.worker;
    }
    // Built code runs the compiled worker; specs (TypeScript sources) load it through tsx, a dev dependency.
    const compiled = path.join(__dirname, 'minhash-worker.js');
    const entry = existsSync(compiled) ? compiled : path.join(__dirname, 'minhash-worker.ts');
    const worker = new Worker(
      entry.endsWith('.ts')
        ? `require('tsx/cjs'); require(${JSON.stringify(entry)});`
        : `require(${JSON.stringify(entry)});`,
      // Its heap holds a few MinHashers and the batches in transit: a small young generation keeps it lean.
      { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 } },
    );
    worker.unref();
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the sketch worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    const session = this.sessions.get(message.id);
    if (!session) {
      return;
    }
    switch (message.op) {
      case 'batch': {
        session.free.push(message.batch);
        const wake = session.waiting;
        session.waiting = undefined;
        wake?.();
        return;
      }
      case 'digest':
        session.digest?.resolve(message.sketch);
        return;
      case 'error':
        this.failSession(session, new Error(message.message));
        return;
    }
  }

  /** The worker is gone: every open sketch fails, and the next one starts a new worker. */
  private fail(error: Error): void {
    this.worker = undefined;
    for (const session of this.sessions.values()) {
      this.failSession(session, error);
    }
    this.sessions.clear();
  }

  private failSession(session: Session, error: Error): void {
    session.failure ??= error;
    session.digest?.reject(error);
    const wake = session.waiting;
    session.waiting = undefined;
    wake?.();
  }
}

let thread: SketchThread | undefined;

/**
 * A MinHash sketch computed on the worker thread. Feed it with `update()` (await the promise it returns when it
 * returns one: the batches are all in flight), then `digest()` once; `close()` releases it early (failed upload).
 */
export class ThreadedMinHasher {
  private readonly id: number;
  private readonly session: Session;
  private batches = 0;
  private current: Uint8Array | undefined;
  private fill = 0;
  private closed = false;

  constructor(opts: MinHashOptions = {}) {
    thread ??= new SketchThread();
    ({ id: this.id, session: this.session } = thread.open(opts));
  }

  /** Copies `chunk` into the current batch, sending full batches; resolves when the chunk is taken. */
  update(chunk: Uint8Array): Promise<void> | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        const batch = this.takeBatch();
        if (!batch) {
          return this.waitForBatch().then(() => this.update(chunk.subarray(offset)));
        }
        this.current = new Uint8Array(batch);
      }
      const n = Math.min(chunk.length - offset, this.current.length - this.fill);
      this.current.set(chunk.subarray(offset, offset + n), this.fill);
      this.fill += n;
      offset += n;
      if (this.fill === this.current.length) {
        this.send();
      }
    }
    return undefined;
  }

  async digest(): Promise<MinHashSketch> {
    this.check();
    if (this.fill > 0) {
      this.send();
    }
    const sketch = new Promise<MinHashSketch>((resolve, reject) => (this.session.digest = { resolve, reject }));
    thread!.post({ op: 'digest', id: this.id });
    try {
      return await sketch;
    } finally {
      this.close();
    }
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      thread?.close(this.id);
    }
  }

  private send(): void {
    const batch = this.current!.buffer;
    const length = this.fill;
    this.current = undefined;
    this.fill = 0;
    thread!.post({ op: 'data', id: this.id, batch, length }, [batch]);
  }

  private takeBatch(): ArrayBuffer | undefined {
    this.check();
    const free = this.session.free.pop();
    if (free) {
      return free;
    }
    if (this.batches < MAX_BATCHES) {
      this.batches += 1;
      return new ArrayBuffer(BATCH_BYTES);
    }
    return undefined;
  }

  private waitForBatch(): Promise<void> {
    return new Promise((resolve) => (this.session.waiting = resolve));
  }

  private check(): void {
    if (this.session.failure) {
      throw this.session.failure;
    }
    if (this.closed) {
      throw new Error('ThreadedMinHasher already closed');
    }
  }
}
