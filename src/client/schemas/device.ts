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

/** A device's active reservation. */
export type DeviceReservation = z.infer<typeof deviceReservationSchema>;

/** `DeviceRead`: items of `GET /devices`, the by-connection-target lookup, base of the detail. */
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
    host_id: z.string(),
    operational_state: z.enum(['available', 'busy', 'offline']),
    hold: z.enum(['maintenance', 'reserved']).nullable(),
    tags: z.record(z.string(), z.string()).nullable(),
    manufacturer: z.string().nullable(),
    model: z.string().nullable(),
    model_number: z.string().nullable(),
    software_versions: jsonObjectSchema.nullable(),
    auto_manage: z.boolean(),
    device_type: deviceTypeSchema,
    connection_type: connectionTypeSchema,
    ip_address: z.string().nullable(),
    device_config: jsonObjectSchema,
    battery_level_percent: z.number().int().nullable(),
    battery_temperature_c: z.number().nullable(),
    charging_state: z.string().nullable(),
    hardware_health_status: z.string(),
    hardware_telemetry_reported_at: timestampSchema.nullable(),
    hardware_telemetry_state: z.string(),
    readiness_state: z.enum(['setup_required', 'verification_required', 'verified']),
    missing_setup_fields: z.array(z.string()),
    verified_at: timestampSchema.nullable(),
    reservation: deviceReservationSchema.nullable(),
    lifecycle_policy_summary: z.object({ state: z.string(), label: z.string() }).loose(),
    needs_attention: z.boolean(),
    health_summary: z
      .object({
        healthy: z.boolean().nullable(),
        summary: z.string(),
        last_checked_at: timestampSchema.nullable(),
      })
      .loose(),
    emulator_state: z.string().nullable(),
    blocked_reason: z.string().nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .loose();

/** A device as listed by the manager. */
export type Device = z.infer<typeof deviceSchema>;

/** `GET /devices/{id}`: a device plus its Appium node and sessions. */
export const deviceDetailSchema = deviceSchema.extend({
  appium_node: jsonObjectSchema.nullable(),
  sessions: z.array(jsonObjectSchema),
});

/** A device with its node and sessions. */
export type DeviceDetail = z.infer<typeof deviceDetailSchema>;

/** `GET /devices?limit=…` page. */
export const devicePageSchema = z
  .object({
    items: z.array(deviceSchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .loose();

/** `GET /devices` answers an array without `limit` and a page with it; both are accepted. */
export const deviceListResponseSchema = z.union([z.array(deviceSchema), devicePageSchema]);
