import { z } from 'zod';
import { timestampSchema } from './common';
import { reservedDeviceSchema } from './reserved_device';

const cooldownCommon = {
  reservation: reservedDeviceSchema,
  device_operational_state: z.string(),
  device_hold: z.enum(['maintenance', 'reserved']).nullable(),
};

/** Cooldown applied: the run cannot reclaim the device until `excluded_until`. */
export const cooldownSetSchema = z
  .object({
    status: z.literal('cooldown_set'),
    ...cooldownCommon,
    retry_after_sec: z.number().int(),
    excluded_until: timestampSchema,
  })
  .loose();

/** Threshold reached: the device is permanently excluded from the run and put into maintenance. */
export const cooldownEscalatedSchema = z
  .object({
    status: z.literal('maintenance_escalated'),
    ...cooldownCommon,
    cooldown_count: z.number().int(),
    threshold: z.number().int(),
  })
  .loose();

/** `POST /runs/{id}/devices/{device_id}/release-with-cooldown`, discriminated on `status`. */
export const cooldownResultSchema = z.discriminatedUnion('status', [
  cooldownSetSchema,
  cooldownEscalatedSchema,
]);

/** A cooldown that was set. */
export type CooldownSetResult = z.infer<typeof cooldownSetSchema>;
/** A cooldown that escalated to maintenance. */
export type CooldownEscalatedResult = z.infer<typeof cooldownEscalatedSchema>;
/** Either cooldown outcome. */
export type CooldownResult = z.infer<typeof cooldownResultSchema>;

/** Router era: the cooldown is set; the device takes no new session from anyone until `excluded_until`. */
export const deviceCooldownSetSchema = z
  .object({
    status: z.literal('cooldown_set'),
    excluded_until: timestampSchema,
    cooldown_count: z.number().int(),
  })
  .loose();

/**
 * Router era: the threshold was reached and the device left the run, into maintenance
 * (`maintenance_escalated`) or, with the manager's maintenance toggle off, as a free device (`released`).
 */
export const deviceCooldownEscalatedSchema = z
  .object({
    status: z.enum(['maintenance_escalated', 'released']),
    cooldown_count: z.number().int(),
    threshold: z.number().int(),
  })
  .loose();

/**
 * `POST /runs/{id}/devices/{device_id}/cooldown` (router era; docs/manager-api.md §R3.8): no
 * `reservation`, `device_hold` or `retry_after_sec` any more.
 */
export const deviceCooldownResultSchema = z.union([deviceCooldownSetSchema, deviceCooldownEscalatedSchema]);

/** Either router-era cooldown outcome, discriminated on `status`. */
export type DeviceCooldownResult = z.infer<typeof deviceCooldownResultSchema>;
