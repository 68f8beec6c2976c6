import { z } from 'zod';
import { runStateSchema, timestampSchema } from './common';
import { reservedDeviceSchema } from './reserved_device';

/** A device requirement as stored on a run (defaults filled in by the manager). */
export const storedRequirementSchema = z
  .object({
    pack_id: z.string(),
    platform_id: z.string(),
    os_version: z.string().nullish(),
    count: z.number().int().nullish(),
    allocation: z.literal('all_available').nullish(),
    min_count: z.number().int().nullish(),
    tags: z.record(z.string(), z.string()).nullish(),
    groups: z.array(z.string()).nullish(),
  })
  .loose();

/** A stored requirement. */
export type StoredRequirement = z.infer<typeof storedRequirementSchema>;

/** Per-run session counters. */
export const sessionCountsSchema = z
  .object({
    passed: z.number().int(),
    failed: z.number().int(),
    error: z.number().int(),
    running: z.number().int(),
    total: z.number().int(),
  })
  .loose();

/** `RunRead`: what lifecycle calls, preparation-failed and `GET /runs` items return. */
export const runReadSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: runStateSchema,
    requirements: z.array(storedRequirementSchema),
    ttl_minutes: z.number().int(),
    heartbeat_timeout_sec: z.number().int(),
    reserved_devices: z.array(reservedDeviceSchema).nullable(),
    error: z.string().nullable(),
    created_at: timestampSchema,
    started_at: timestampSchema.nullable(),
    completed_at: timestampSchema.nullable(),
    created_by: z.string().nullable(),
    last_heartbeat: timestampSchema.nullable(),
    session_counts: sessionCountsSchema,
  })
  .loose();

/** A run. */
export type RunRead = z.infer<typeof runReadSchema>;

/** `GET /runs`: one page of runs, newest first (paging fields are not used). */
export const runListResponseSchema = z.object({ items: z.array(runReadSchema) }).loose();

/** `GET /runs/{id}`: RunRead plus `devices`. */
export const runDetailSchema = runReadSchema.extend({ devices: z.array(reservedDeviceSchema) });

/** A run with its devices. */
export type RunDetail = z.infer<typeof runDetailSchema>;

/** `POST /runs` (201). */
export const runCreateResponseSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: runStateSchema,
    devices: z.array(reservedDeviceSchema),
    // Claim era only; router era: take the WebDriver URL from configuration (docs/manager-api.md §R8).
    grid_url: z.string().optional(),
    ttl_minutes: z.number().int(),
    heartbeat_timeout_sec: z.number().int(),
    created_at: timestampSchema,
  })
  .loose();

/** The answer to a reservation. */
export type RunCreateResponse = z.infer<typeof runCreateResponseSchema>;

/** `POST /runs/{id}/heartbeat`. */
export const heartbeatResponseSchema = z
  .object({ state: runStateSchema, last_heartbeat: timestampSchema.nullable() })
  .loose();

/** A heartbeat answer. */
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;
