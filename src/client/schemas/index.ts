/** Zod schemas of every manager payload the client reads; types are inferred from them. */
export * from './catalog';
export * from './claim';
export * from './common';
export * from './cooldown';
export * from './device';
export * from './device_group';
export * from './error_envelope';
export * from './grid_status';
export * from './reserved_device';
export * from './run';
export * from './session';
