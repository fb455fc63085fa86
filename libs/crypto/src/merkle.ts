/**
 * SHA-256 Merkle tree over fixed-size leaves, with the RFC 6962 / RFC 9162 tree shape and domain separation:
 * leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), empty tree = SHA-256("").
 *
 * Hand-written rather than taken from merkletreejs or @openzeppelin/merkle-tree: both need every leaf in memory
 * before they produce a root, merkletreejs hashes leaves and nodes alike (no 0x00/0x01 separation), and the
 * OpenZeppelin tree sorts leaves and pairs and uses keccak for Solidity proofs. Here the root is computed while
 * streaming with O(log n) state, leaves are hashed from chunk views without copying, and the results match the
 * published Certificate Transparency vectors, so any RFC 9162 verifier can check our proofs.
 */
import { createHash, Hash, timingSafeEqual } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

export const DEFAULT_LEAF_SIZE = 1024 * 1024;
const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);
/** Root of a tree with no leaves (RFC 9162 §2.1.1). */
export const EMPTY_MERKLE_ROOT: Buffer = createHash('sha256').digest();

export interface MerkleResult {
  root: Buffer;
  /** Leaf i covers input bytes [i·leafSize, (i+1)·leafSize). */
  leafHashes: Buffer[];
  /** Total input bytes. */
  size: number;
  leafSize: number;
}

export interface MerkleProof {
  leafIndex: number;
  treeSize: number;
  /** Audit path, bottom-up, as in RFC 9162 §2.1.3. */
  path: Buffer[];
}

/** Leaves (= proof tree size) for content of `size` bytes; 0 for empty content. */
export function merkleLeafCount(size: number, leafSize = DEFAULT_LEAF_SIZE): number {
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(leafSize) || leafSize < 1) {
    throw new RangeError(`invalid size ${size} or leaf size ${leafSize}`);
  }
  return Math.ceil(size / leafSize);
}

export function hashLeaf(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** Incremental hasher: feed chunks of any size; leaves are cut every `leafSize` bytes. */
export class MerkleHasher {
  private readonly leafHashes: Buffer[] = [];
  // Perfect subtrees still waiting for a right sibling; their sizes strictly decrease (binary counter).
  private readonly frontier: { hash: Buffer; leaves: number }[] = [];
  private leaf: Hash | undefined;
  private leafFill = 0;
  private size = 0;
  private done = false;

  constructor(readonly leafSize = DEFAULT_LEAF_SIZE) {
    if (!Number.isSafeInteger(leafSize) || leafSize < 1) {
      throw new RangeError(`leafSize must be a positive integer, got ${leafSize}`);
    }
  }

  update(chunk: Uint8Array): this {
    if (this.done) {
      throw new Error('MerkleHasher already digested');
    }
    this.size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.leafSize - this.leafFill, chunk.length - offset);
      if (!this.leaf) {
        this.leaf = createHash('sha256').update(LEAF_PREFIX);
      }
      this.leaf.update(chunk.subarray(offset, offset + take));
      this.leafFill += take;
      offset += take;
      if (this.leafFill === this.leafSize) {
        this.closeLeaf();
      }
    }
    return this;
  }

  digest(): MerkleResult {
    if (this.done) {
      throw new Error('MerkleHasher already digested');
    }
    this.done = true;
    if (this.leafFill > 0) {
      this.closeLeaf();
    }
    let root: Buffer | undefined;
    // Fold the frontier right to left: the ragged right edge of an RFC 6962 tree.
    for (let i = this.frontier.length - 1; i >= 0; i--) {
      root = root ? hashChildren(this.frontier[i].hash, root) : this.frontier[i].hash;
    }
    return { root: root ?? EMPTY_MERKLE_ROOT, leafHashes: this.leafHashes, size: this.size, leafSize: this.leafSize };
  }

  private closeLeaf(): void {
    const hash = (this.leaf ?? createHash('sha256').update(LEAF_PREFIX)).digest();
    this.leaf = undefined;
    this.leafFill = 0;
    this.leafHashes.push(hash);
    let node = { hash, leaves: 1 };
    let top = this.frontier[this.frontier.length - 1];
    while (top && top.leaves === node.leaves) {
      this.frontier.pop();
      node = { hash: hashChildren(top.hash, node.hash), leaves: node.leaves * 2 };
      top = this.frontier[this.frontier.length - 1];
    }
    this.frontier.push(node);
  }
}

/**
 * Pass-through stream that hashes what flows through it without copying. `result` is available once the
 * stream has flushed (e.g. after `pipeline()` resolves).
 */
export class MerkleHashStream extends Transform {
  private readonly hasher: MerkleHasher;
  private digestResult: MerkleResult | undefined;

  constructor(leafSize = DEFAULT_LEAF_SIZE) {
    super();
    this.hasher = new MerkleHasher(leafSize);
  }

  get result(): MerkleResult {
    if (!this.digestResult) {
      throw new Error('MerkleHashStream has not finished');
    }
    return this.digestResult;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digestResult = this.hasher.digest();
    callback();
  }
}

/** A tree over known leaf hashes: computes levels once, then proofs cost O(log n). */
export class MerkleTree {
  private readonly levels: Buffer[][];

  constructor(leafHashes: readonly Buffer[]) {
    // Pairing left to right and promoting an odd last node unchanged yields exactly the RFC 6962 shape
    // (split at the largest power of two below n).
    this.levels = [[...leafHashes]];
    let level = this.levels[0];
    while (level.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? hashChildren(level[i], level[i + 1]) : level[i]);
      }
      this.levels.push(next);
      level = next;
    }
  }

  get size(): number {
    return this.levels[0].length;
  }

  get root(): Buffer {
    return this.size === 0 ? EMPTY_MERKLE_ROOT : this.levels[this.levels.length - 1][0];
  }

  proof(leafIndex: number): MerkleProof {
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.size) {
      throw new RangeError(`leaf index ${leafIndex} out of range for a tree of ${this.size} leaves`);
    }
    const path: Buffer[] = [];
    let index = leafIndex;
    for (let depth = 0; depth < this.levels.length - 1; depth++) {
      const sibling = index % 2 === 0 ? index + 1 : index - 1;
      if (sibling < this.levels[depth].length) {
        path.push(this.levels[depth][sibling]);
      }
      index = Math.floor(index / 2);
    }
    return { leafIndex, treeSize: this.size, path };
  }
}

export function merkleRoot(leafHashes: readonly Buffer[]): Buffer {
  return new MerkleTree(leafHashes).root;
}

export function merkleProof(leafHashes: readonly Buffer[], leafIndex: number): MerkleProof {
  return new MerkleTree(leafHashes).proof(leafIndex);
}

/**
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2). Takes the leaf hash; use hashLeaf(data) for raw bytes.
 * The root does not commit to the tree size on its own, so `proof.treeSize` must come from the same trusted
 * source as the root (the anchored content size: treeSize = ceil(size / leafSize)), as RFC 9162 signs both.
 */
export function verifyProof(root: Uint8Array, leafHash: Uint8Array, proof: MerkleProof): boolean {
  const { leafIndex, treeSize, path } = proof;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) {
    return false;
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of path) {
    if (sn === 0) {
      return false;
    }
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.length === root.length && timingSafeEqual(r, root);
}
