import { z } from 'zod';
import { jsonObjectSchema } from './common';

/** A platform of a driver pack (only the fields clients use are required). */
export const catalogPlatformSchema = z
  .object({
    id: z.string(),
    display_name: z.string(),
    automation_name: z.string(),
    appium_platform_name: z.string(),
    device_types: z.array(z.string()),
    connection_types: z.array(z.string()),
    // Claim era only (Selenium Grid slots); absent in the router era (docs/manager-api.md §R3.1).
    grid_slots: z.array(z.string()).default([]),
    identity_scheme: z.string(),
    identity_scope: z.string(),
    capabilities: jsonObjectSchema,
    default_capabilities: jsonObjectSchema,
  })
  .loose();

/** A driver-pack platform. */
export type CatalogPlatform = z.infer<typeof catalogPlatformSchema>;

/** A driver pack. The catalog lists packs in every state; filter `state === 'enabled'` yourself. */
export const catalogPackSchema = z
  .object({
    id: z.string(),
    display_name: z.string(),
    state: z.enum(['draft', 'enabled', 'draining', 'disabled']),
    current_release: z.string().nullable(),
    platforms: z.array(catalogPlatformSchema),
  })
  .loose();

/** A driver pack. */
export type CatalogPack = z.infer<typeof catalogPackSchema>;

/** `GET /driver-packs/catalog`. */
export const driverPackCatalogSchema = z.object({ packs: z.array(catalogPackSchema) }).loose();

/** The driver-pack catalog. */
export type DriverPackCatalog = z.infer<typeof driverPackCatalogSchema>;

/** The packs a client may use (`state === 'enabled'`). */
export function enabledPacks(catalog: DriverPackCatalog): CatalogPack[] {
  return catalog.packs.filter((pack) => pack.state === 'enabled');
}
