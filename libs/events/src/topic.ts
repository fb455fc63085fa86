/** Every Kafka topic, named `<domain>.<event>.v<N>`. A breaking payload change gets a new version. */
export enum Topic {
  DrmContentSealed = 'drm.content.sealed.v1',
  CatalogResourceCreated = 'catalog.resource.created.v1',
  CatalogResourceListed = 'catalog.resource.listed.v1',
  CatalogResourceDelisted = 'catalog.resource.delisted.v1',
  CatalogResourceVersioned = 'catalog.resource.versioned.v1',
  ChainPurchaseObserved = 'chain.purchase.observed.v1',
  ChainPurchaseConfirmed = 'chain.purchase.confirmed.v1',
  ChainPurchaseReverted = 'chain.purchase.reverted.v1',
  ChainPurchaseRefunded = 'chain.purchase.refunded.v1',
  ChainResourceAnchored = 'chain.resource.anchored.v1',
  PaymentsOrderSettled = 'payments.order.settled.v1',
  PaymentsOrderRefunded = 'payments.order.refunded.v1',
  DrmLicenceGranted = 'drm.licence.granted.v1',
  DrmLicenceRevoked = 'drm.licence.revoked.v1',
  DrmDeliveryFailed = 'drm.delivery.failed.v1',
  DrmContentReleased = 'drm.content.released.v1',
}

export const ALL_TOPICS: readonly Topic[] = Object.values(Topic);

/** Kafka headers the outbox relay sets on every event. */
export enum EventHeader {
  EventId = 'event-id',
  EventType = 'event-type',
  OccurredAt = 'occurred-at',
  RequestId = 'request-id',
}
