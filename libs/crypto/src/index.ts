export * from './errors';
export * from './streaming-aead';
export * from './merkle';
export * from './minhash';
export * from './phash';
export * from './sketch';
export * from './envelope';
export * from './ecies';
