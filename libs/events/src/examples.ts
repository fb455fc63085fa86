import { PricingModel, ResourceKind } from './common/resource-kind';
import type { PayloadOf } from './registry';
import { Topic } from './topic';

const RESOURCE = '5f0c8f5e-4a43-4c8b-9f57-2b1c1d7a9e10';
const ORG = '0b6c3f0e-8f1a-4d2b-9a57-1c2d3e4f5a6b';
const LICENCE = 'a3e1c2d4-5b6f-4a7b-8c9d-0e1f2a3b4c5d';
const ORDER = `0x${'0a'.repeat(32)}`;
const ROOT = `0x${'3c'.repeat(32)}`;
const TX = `0x${'7e'.repeat(32)}`;
const BLOCK = `0x${'b1'.repeat(32)}`;
const LICENCE_HASH = `0x${'1d'.repeat(32)}`;
const OWNER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const BUYER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const AT = '2025-01-31T12:00:00.000Z';
const LOG = { chainId: 31337, txHash: TX, blockHash: BLOCK, blockNumber: '1042', logIndex: 3, blockTimestamp: AT };

/**
 * One valid payload per topic. Kept beside the contracts: the codec spec checks each still
 * decodes, so a contract change must update its example (used by docs and integration tests).
 */
export const EVENT_EXAMPLES: { [T in Topic]: PayloadOf<T> } = {
  [Topic.DrmContentSealed]: {
    resourceId: RESOURCE,
    version: 1,
    ownerOrgId: ORG,
    mediaType: 'text/csv',
    contentRoot: ROOT,
    plaintextSize: '1048576',
    ciphertextSize: '1049088',
    segmentSize: 65536,
    sketch: [12, 4096, 4294967295],
    objectKey: `resources/${RESOURCE}/v1`,
    kekVersion: 1,
    sealedAt: AT,
  },
  [Topic.CatalogResourceCreated]: { resourceId: RESOURCE, ownerOrgId: ORG, kind: ResourceKind.Dataset, createdAt: AT },
  [Topic.CatalogResourceListed]: {
    resourceId: RESOURCE,
    ownerOrgId: ORG,
    ownerAddress: OWNER,
    kind: ResourceKind.Dataset,
    title: 'Annotated radiology scans',
    version: 1,
    contentRoot: ROOT,
    price: '25000000000000000000',
    token: TOKEN,
    pricingModel: PricingModel.Fixed,
    licenceTermsHash: LICENCE_HASH,
    payees: [{ orgId: ORG, address: OWNER, shareBps: 10_000 }],
    components: [],
    listedAt: AT,
  },
  [Topic.CatalogResourceDelisted]: { resourceId: RESOURCE, ownerOrgId: ORG, reason: 'withdrawn', delistedAt: AT },
  [Topic.CatalogResourceVersioned]: {
    resourceId: RESOURCE,
    ownerOrgId: ORG,
    version: 2,
    previousVersion: 1,
    contentRoot: ROOT,
    versionedAt: AT,
  },
  [Topic.ChainPurchaseObserved]: {
    ...LOG,
    orderId: ORDER,
    resourceId: RESOURCE,
    buyer: BUYER,
    payee: OWNER,
    token: TOKEN,
    amount: '25000000000000000000',
    fee: '625000000000000000',
    licenceHash: LICENCE_HASH,
  },
  [Topic.ChainPurchaseConfirmed]: {
    ...LOG,
    orderId: ORDER,
    resourceId: RESOURCE,
    buyer: BUYER,
    payee: OWNER,
    token: TOKEN,
    amount: '25000000000000000000',
    fee: '625000000000000000',
    licenceHash: LICENCE_HASH,
    confirmations: 12,
  },
  [Topic.ChainPurchaseReverted]: {
    chainId: 31337,
    orderId: ORDER,
    txHash: TX,
    blockHash: BLOCK,
    blockNumber: '1042',
    logIndex: 3,
    reason: 'reorg',
    revertedAt: AT,
  },
  [Topic.ChainPurchaseRefunded]: { ...LOG, orderId: ORDER, buyer: BUYER, token: TOKEN, amount: '25000000000000000000' },
  [Topic.ChainResourceAnchored]: { ...LOG, resourceId: RESOURCE, version: 1, contentRoot: ROOT, owner: OWNER },
  [Topic.PaymentsOrderSettled]: {
    orderId: ORDER,
    chainId: 31337,
    resourceId: RESOURCE,
    buyer: BUYER,
    token: TOKEN,
    amount: '25000000000000000000',
    fee: '625000000000000000',
    payees: [{ address: OWNER, amount: '24375000000000000000' }],
    licenceHash: LICENCE_HASH,
    txHash: TX,
    settledAt: AT,
  },
  [Topic.PaymentsOrderRefunded]: {
    orderId: ORDER,
    chainId: 31337,
    resourceId: RESOURCE,
    buyer: BUYER,
    token: TOKEN,
    amount: '25000000000000000000',
    txHash: TX,
    refundedAt: AT,
  },
  [Topic.DrmLicenceGranted]: {
    licenceId: LICENCE,
    orderId: ORDER,
    resourceId: RESOURCE,
    version: 1,
    buyer: BUYER,
    licenceHash: LICENCE_HASH,
    grantedAt: AT,
  },
  [Topic.DrmLicenceRevoked]: {
    licenceId: LICENCE,
    orderId: ORDER,
    resourceId: RESOURCE,
    buyer: BUYER,
    reason: 'refunded',
    revokedAt: AT,
  },
  [Topic.DrmDeliveryFailed]: {
    licenceId: LICENCE,
    orderId: ORDER,
    resourceId: RESOURCE,
    buyer: BUYER,
    reason: 'storage_unavailable',
    failedAt: AT,
  },
  [Topic.DrmContentReleased]: {
    licenceId: LICENCE,
    orderId: ORDER,
    resourceId: RESOURCE,
    buyer: BUYER,
    mode: 'key',
    releasedAt: AT,
  },
};
