export * from './in-memory-nonce-store';
