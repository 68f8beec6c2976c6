/** Validated gridfleet-cucumber configuration (placeholder until the loader lands). */
export type GridFleetConfig = Record<string, unknown>;
