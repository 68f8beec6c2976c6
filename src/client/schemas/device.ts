import { z } from 'zod';
import {
  connectionTypeSchema,
  deviceTypeSchema,
  jsonObjectSchema,
  runStateSchema,
  timestampSchema,
} from './common';

/** The `reservation` object on a device while a run holds it. */
export const deviceReservationSchema = z
  .object({
    run_id: z.string(),
    run_name: z.string(),
    run_state: runStateSchema,
    excluded: z.boolean(),
    exclusion_reason: z.string().nullable(),
    excluded_until: timestampSchema.nullable(),
    cooldown_remaining_sec: z.number().int().nullable(),
    cooldown_count: z.number().int(),
    cooldown_escalated: z.boolean(),
  })
  .loose();

/**
 * `DeviceRead`: items of `GET /devices`, the by-connection-target lookup, base of the detail. Accepts both
 * generations: claim-era-only fields (`hold`, `tags`, battery, telemetry, ...) and router-era-only fields
 * (`is_reserved`, `allocatable`, `unavailable_reason`, `os_version_display`) are optional
 * (docs/manager-api.md §R3.2).
 */
export const deviceSchema = z
  .object({
    id: z.string(),
    pack_id: z.string(),
    platform_id: z.string(),
    platform_label: z.string().nullable(),
    identity_scheme: z.string(),
    identity_scope: z.string(),
    identity_value: z.string(),
    connection_target: z.string().nullable(),
    name: z.string(),
    os_version: z.string(),
    os_version_display: z.string().nullish(),
    host_id: z.string(),
    operational_state: z.enum(['available', 'busy', 'offline', 'maintenance', 'verifying']),
    hold: z.enum(['maintenance', 'reserved']).nullable().default(null),
    tags: z.record(z.string(), z.string()).nullable().default(null),
    is_reserved: z.boolean().optional(),
    allocatable: z.boolean().optional(),
    unavailable_reason: z.string().nullish(),
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    model_number: z.string().nullable(),
    software_versions: jsonObjectSchema.nullable(),
    auto_manage: z.boolean().optional(),
    device_type: deviceTypeSchema,
    connection_type: connectionTypeSchema,
    ip_address: z.string().nullable(),
    device_config: jsonObjectSchema.nullable(),
    battery_level_percent: z.number().int().nullish(),
    battery_temperature_c: z.number().nullish(),
    charging_state: z.string().nullish(),
    hardware_health_status: z.string().optional(),
    hardware_telemetry_reported_at: timestampSchema.nullish(),
    hardware_telemetry_state: z.string().optional(),
    readiness_state: z.enum(['setup_required', 'verification_required', 'verified']),
    missing_setup_fields: z.array(z.string()),
    verified_at: timestampSchema.nullable(),
    reservation: deviceReservationSchema.nullable(),
    lifecycle_policy_summary: z.object({ state: z.string(), label: z.string() }).loose(),
    needs_attention: z.boolean(),
    // Claim era: {healthy, summary, last_checked_at}; router era: per-signal verdicts plus `overall`.
    health_summary: z
      .object({
        healthy: z.boolean().nullish(),
        summary: z.string().optional(),
        last_checked_at: timestampSchema.nullish(),
        overall: z.string().optional(),
      })
      .loose(),
    emulator_state: z.string().nullish(),
    blocked_reason: z.string().nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .loose();

/** A device as listed by the manager. */
export type Device = z.infer<typeof deviceSchema>;

/** `GET /devices/{id}`: a device plus its Appium node (and, claim era only, its sessions). */
export const deviceDetailSchema = deviceSchema.extend({
  appium_node: jsonObjectSchema.nullable(),
  sessions: z.array(jsonObjectSchema).optional(),
});

/** A device with its node and sessions. */
export type DeviceDetail = z.infer<typeof deviceDetailSchema>;

/** `GET /devices?limit=…` page. */
const devicePageSchema = z
  .object({
    items: z.array(deviceSchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .loose();

/** `GET /devices` answers an array without `limit` and a page with it; both are accepted. */
export const deviceListResponseSchema = z.union([z.array(deviceSchema), devicePageSchema]);
