export enum ResourceKind {
  Dataset = 'dataset',
  Model = 'model',
  AlgorithmModule = 'algorithm-module',
  Application = 'application',
  /** Combines other listed resources; revenue is split between their owners. */
  Bundle = 'bundle',
}

/** How a buyer pays for access. */
export enum PricingModel {
  Fixed = 'fixed',
  Free = 'free',
  /** Access for `accessDays` days after purchase. */
  TimeLimited = 'time-limited',
  /** At most `downloadQuota` downloads. */
  Quota = 'quota',
}
