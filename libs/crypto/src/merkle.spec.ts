import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';

import {
  EMPTY_MERKLE_ROOT,
  hashChildren,
  hashLeaf,
  MerkleHasher,
  MerkleHashStream,
  merkleLeafCount,
  merkleProof,
  merkleRoot,
  MerkleTree,
  verifyProof,
} from './merkle';

const hex = (b: Buffer) => b.toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

// Certificate Transparency reference inputs and tree heads for RFC 6962 (sizes 1..8).
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_PROOFS = [
  {
    index: 0,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** RFC 6962 §2.1 MTH written literally (split at the largest power of two below n), as an oracle. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) {
    return createHash('sha256').digest();
  }
  if (leaves.length === 1) {
    return leaves[0];
  }
  let k = 1;
  while (k * 2 < leaves.length) {
    k *= 2;
  }
  return hashChildren(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('Merkle tree (RFC 6962 shape, SHA-256)', () => {
  it('matches the published roots and separates leaves from nodes', () => {
    expect(hex(EMPTY_MERKLE_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(merkleRoot([]))).toBe(hex(EMPTY_MERKLE_ROOT));
    const leafHashes = CT_LEAVES.map(hashLeaf);
    for (let n = 1; n <= 8; n++) {
      expect(hex(merkleRoot(leafHashes.slice(0, n)))).toBe(CT_ROOTS[n - 1]);
    }
    // Without the 0x00/0x01 prefixes a leaf holding two hashes would collide with their parent node.
    const [a, b] = leafHashes;
    expect(hashLeaf(Buffer.concat([a, b])).equals(hashChildren(a, b))).toBe(false);
  });

  it('produces the published inclusion proofs, and they verify', () => {
    const leafHashes = CT_LEAVES.map(hashLeaf);
    const root = unhex(CT_ROOTS[7]);
    for (const { index, path } of CT_PROOFS) {
      const proof = merkleProof(leafHashes, index);
      expect(proof.path.map(hex)).toEqual(path);
      expect(verifyProof(root, leafHashes[index], proof)).toBe(true);
    }
  });

  it('every proof in every tree size up to 40 verifies, and fails for the wrong leaf, index, path or root', () => {
    const all = Array.from({ length: 40 }, (_, i) => hashLeaf(Buffer.from([i, i * 3])));
    for (let n = 1; n <= all.length; n++) {
      const leaves = all.slice(0, n);
      const tree = new MerkleTree(leaves);
      expect(tree.root.equals(referenceRoot(leaves))).toBe(true);
      for (let i = 0; i < n; i++) {
        const proof = tree.proof(i);
        expect(verifyProof(tree.root, leaves[i], proof)).toBe(true);
        expect(verifyProof(tree.root, hashLeaf(Buffer.from('x')), proof)).toBe(false);
        expect(verifyProof(hashLeaf(Buffer.from('y')), leaves[i], proof)).toBe(false);
        if (n > 1) {
          expect(verifyProof(tree.root, leaves[i], { ...proof, leafIndex: (i + 1) % n })).toBe(false);
          expect(verifyProof(tree.root, leaves[i], { ...proof, path: proof.path.slice(1) })).toBe(false);
        }
      }
    }
  });

  describe('streaming hasher', () => {
    it('cuts fixed-size leaves whatever the chunking and matches the tree over those leaves', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2000 }),
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1, max: 300 }),
          (size, leafSize, chunk) => {
            const data = randomBytes(size);
            const hasher = new MerkleHasher(leafSize);
            for (let o = 0; o < size; o += chunk) {
              hasher.update(data.subarray(o, o + chunk));
            }
            const result = hasher.digest();
            const expectedLeaves: Buffer[] = [];
            for (let o = 0; o < size; o += leafSize) {
              expectedLeaves.push(hashLeaf(data.subarray(o, o + leafSize)));
            }
            expect(result.size).toBe(size);
            expect(result.leafHashes.map(hex)).toEqual(expectedLeaves.map(hex));
            expect(hex(result.root)).toBe(hex(referenceRoot(expectedLeaves)));
          },
        ),
        { numRuns: 150 },
      );
    });

    it('gives empty input the empty-tree root and no leaves', () => {
      const result = new MerkleHasher().digest();
      expect(result).toMatchObject({ size: 0, leafHashes: [] });
      expect(result.root.equals(EMPTY_MERKLE_ROOT)).toBe(true);
    });

    it('passes bytes through unchanged as a stream and proves any leaf against the root', async () => {
      const data = randomBytes(10 * 1024 + 7);
      const tap = new MerkleHashStream(1024);
      const seen: Buffer[] = [];
      await pipeline(
        Readable.from([data.subarray(0, 5000), data.subarray(5000)]),
        tap,
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            seen.push(chunk);
            cb();
          },
        }),
      );
      expect(Buffer.concat(seen).equals(data)).toBe(true);
      const { root, leafHashes } = tap.result;
      expect(leafHashes).toHaveLength(11);
      expect(merkleLeafCount(data.length, 1024)).toBe(11);
      expect(merkleLeafCount(0, 1024)).toBe(0);
      const proof = merkleProof(leafHashes, 10);
      expect(verifyProof(root, hashLeaf(data.subarray(10 * 1024)), proof)).toBe(true);
      const tampered = Buffer.from(data.subarray(3 * 1024, 4 * 1024));
      tampered[0] ^= 1;
      expect(verifyProof(root, hashLeaf(tampered), merkleProof(leafHashes, 3))).toBe(false);
    });
  });
});
