/** The sketch worker's side of minhash-thread.ts: one MinHasher per open sketch, fed batch by batch in order. */
import { parentPort } from 'node:worker_threads';

import { MinHasher } from './minhash';
import type { FromWorker, ToWorker } from './minhash-thread';

const port = parentPort!;
const hashers = new Map<number, MinHasher>();

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

port.on('message', (message: ToWorker) => {
  try {
    switch (message.op) {
      case 'open':
        hashers.set(message.id, new MinHasher(message.opts));
        return;
      case 'data':
        hashers.get(message.id)?.update(new Uint8Array(message.batch, 0, message.length));
        // Back to its sketch for reuse: the bytes are consumed.
        reply({ op: 'batch', id: message.id, batch: message.batch }, [message.batch]);
        return;
      case 'digest': {
        const hasher = hashers.get(message.id);
        hashers.delete(message.id);
        if (hasher) {
          reply({ op: 'digest', id: message.id, sketch: hasher.digest() });
        }
        return;
      }
      case 'close':
        hashers.delete(message.id);
        return;
    }
  } catch (error) {
    hashers.delete(message.id);
    reply({ op: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
});
