import type { ConfigKey } from './schema';

/** An old config key that still works, and the key that replaced it. */
export interface DeprecatedKey {
  /** The old key under `worldParameters.gridfleet`. */
  key: string;
  /** Its old environment variable. */
  env: string;
  /** The key that replaced it. */
  replacedBy: ConfigKey;
}

/**
 * Keys renamed in 0.2 (the allocation strategy seam): the old names stay accepted, with a deprecation
 * warning, because users may have set them. The new key (or its env var) wins when both are set.
 */
export const DEPRECATED_KEYS: readonly DeprecatedKey[] = [
  { key: 'claimMaxWaitSec', env: 'GRIDFLEET_CLAIM_MAX_WAIT_SEC', replacedBy: 'deviceWaitSec' },
  { key: 'claimInclude', env: 'GRIDFLEET_CLAIM_INCLUDE', replacedBy: 'deviceInclude' },
];
