import { ResourceCreatedKey } from './catalog/resource-created/key';
import { ResourceCreatedValue } from './catalog/resource-created/value';
import { ResourceDelistedKey } from './catalog/resource-delisted/key';
import { ResourceDelistedValue } from './catalog/resource-delisted/value';
import { ResourceListedKey } from './catalog/resource-listed/key';
import { ResourceListedValue } from './catalog/resource-listed/value';
import { ResourceVersionedKey } from './catalog/resource-versioned/key';
import { ResourceVersionedValue } from './catalog/resource-versioned/value';
import { PurchaseConfirmedKey } from './chain/purchase-confirmed/key';
import { PurchaseConfirmedValue } from './chain/purchase-confirmed/value';
import { PurchaseObservedKey } from './chain/purchase-observed/key';
import { PurchaseObservedValue } from './chain/purchase-observed/value';
import { PurchaseRefundedKey } from './chain/purchase-refunded/key';
import { PurchaseRefundedValue } from './chain/purchase-refunded/value';
import { PurchaseRevertedKey } from './chain/purchase-reverted/key';
import { PurchaseRevertedValue } from './chain/purchase-reverted/value';
import { ResourceAnchoredKey } from './chain/resource-anchored/key';
import { ResourceAnchoredValue } from './chain/resource-anchored/value';
import { ContentReleasedKey } from './drm/content-released/key';
import { ContentReleasedValue } from './drm/content-released/value';
import { ContentSealedKey } from './drm/content-sealed/key';
import { ContentSealedValue } from './drm/content-sealed/value';
import { DeliveryFailedKey } from './drm/delivery-failed/key';
import { DeliveryFailedValue } from './drm/delivery-failed/value';
import { LicenceGrantedKey } from './drm/licence-granted/key';
import { LicenceGrantedValue } from './drm/licence-granted/value';
import { LicenceRevokedKey } from './drm/licence-revoked/key';
import { LicenceRevokedValue } from './drm/licence-revoked/value';
import { OrderRefundedKey } from './payments/order-refunded/key';
import { OrderRefundedValue } from './payments/order-refunded/value';
import { OrderSettledKey } from './payments/order-settled/key';
import { OrderSettledValue } from './payments/order-settled/value';
import { Topic } from './topic';

interface Contract<K, V> {
  key: new () => K;
  value: new () => V;
  /** Kafka message key derived from the payload (one id field), so producers cannot disagree. */
  keyOf: (value: V) => string;
}

function contract<K, V>(key: new () => K, value: new () => V, keyOf: (value: V) => string): Contract<K, V> {
  return { key, value, keyOf };
}

const byResource = (v: { resourceId: string }): string => v.resourceId;
const byOrder = (v: { orderId: string }): string => v.orderId.toLowerCase();

/** Binds each topic to its key and payload classes. */
export const TopicPayloads = {
  [Topic.DrmContentSealed]: contract(ContentSealedKey, ContentSealedValue, byResource),
  [Topic.CatalogResourceCreated]: contract(ResourceCreatedKey, ResourceCreatedValue, byResource),
  [Topic.CatalogResourceListed]: contract(ResourceListedKey, ResourceListedValue, byResource),
  [Topic.CatalogResourceDelisted]: contract(ResourceDelistedKey, ResourceDelistedValue, byResource),
  [Topic.CatalogResourceVersioned]: contract(ResourceVersionedKey, ResourceVersionedValue, byResource),
  [Topic.ChainPurchaseObserved]: contract(PurchaseObservedKey, PurchaseObservedValue, byOrder),
  [Topic.ChainPurchaseConfirmed]: contract(PurchaseConfirmedKey, PurchaseConfirmedValue, byOrder),
  [Topic.ChainPurchaseReverted]: contract(PurchaseRevertedKey, PurchaseRevertedValue, byOrder),
  [Topic.ChainPurchaseRefunded]: contract(PurchaseRefundedKey, PurchaseRefundedValue, byOrder),
  [Topic.ChainResourceAnchored]: contract(ResourceAnchoredKey, ResourceAnchoredValue, byResource),
  [Topic.PaymentsOrderSettled]: contract(OrderSettledKey, OrderSettledValue, byOrder),
  [Topic.PaymentsOrderRefunded]: contract(OrderRefundedKey, OrderRefundedValue, byOrder),
  [Topic.DrmLicenceGranted]: contract(LicenceGrantedKey, LicenceGrantedValue, byOrder),
  [Topic.DrmLicenceRevoked]: contract(LicenceRevokedKey, LicenceRevokedValue, byOrder),
  [Topic.DrmDeliveryFailed]: contract(DeliveryFailedKey, DeliveryFailedValue, byOrder),
  [Topic.DrmContentReleased]: contract(ContentReleasedKey, ContentReleasedValue, byOrder),
} satisfies Record<Topic, unknown>;

type Payloads = typeof TopicPayloads;

/** Payload type of a topic: `PayloadOf<Topic.DrmContentSealed>` is `ContentSealedValue`. */
export type PayloadOf<T extends Topic> = InstanceType<Payloads[T]['value']>;
export type KeyOf<T extends Topic> = InstanceType<Payloads[T]['key']>;
