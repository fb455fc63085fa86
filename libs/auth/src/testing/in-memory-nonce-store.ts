import { NonceStore } from '../siwe/nonce.store';

/** Unit tests only: a single process's memory is not shared across gateway instances. */
export class InMemoryNonceStore extends NonceStore {
  private readonly nonces = new Map<string, number>();

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  issue(nonce: string, expiresAt: Date): Promise<void> {
    this.nonces.set(nonce, expiresAt.getTime());
    return Promise.resolve();
  }

  consume(nonce: string): Promise<boolean> {
    const expiresAt = this.nonces.get(nonce);
    this.nonces.delete(nonce);
    return Promise.resolve(expiresAt !== undefined && expiresAt > this.now().getTime());
  }
}
