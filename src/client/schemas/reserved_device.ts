import { z } from 'zod';
import { jsonObjectSchema, timestampSchema, unavailableIncludeSchema } from './common';

/** Device fields shared by reservation entries and claim responses. */
export const runDeviceBaseShape = {
  device_id: z.string(),
  identity_value: z.string(),
  name: z.string().nullable(),
  connection_target: z.string().nullable(),
  pack_id: z.string(),
  platform_id: z.string(),
  platform_label: z.string().nullable(),
  os_version: z.string(),
  host_ip: z.string().nullable(),
  device_type: z.string().nullable(),
  connection_type: z.string().nullable(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  // Claim era only (inlined by `include=`); router-era entries have none of them.
  config: jsonObjectSchema.nullable().default(null),
  live_capabilities: jsonObjectSchema.nullable().default(null),
  test_data: jsonObjectSchema.nullable().default(null),
  unavailable_includes: z.array(unavailableIncludeSchema).nullable().default(null),
};

/**
 * `ReservedDeviceInfo`: entries of a run's `devices`/`reserved_devices` and of a cooldown answer's
 * `reservation`. Claim era: `claimed_by`/`claimed_at` always present. Router era: no claim fields, but
 * `released_at` (set once the device left the run; docs/manager-api.md §R6.1).
 */
export const reservedDeviceSchema = z
  .object({
    ...runDeviceBaseShape,
    excluded: z.boolean(),
    exclusion_reason: z.string().nullable(),
    excluded_at: timestampSchema.nullable(),
    excluded_until: timestampSchema.nullable(),
    cooldown_remaining_sec: z.number().int().nullable(),
    cooldown_count: z.number().int(),
    cooldown_escalated: z.boolean(),
    claimed_by: z.string().nullable().default(null),
    claimed_at: timestampSchema.nullable().default(null),
    released_at: timestampSchema.nullable().default(null),
  })
  .loose();

/** A device reserved by a run. */
export type ReservedDevice = z.infer<typeof reservedDeviceSchema>;
