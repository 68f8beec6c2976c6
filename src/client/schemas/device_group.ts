import { z } from 'zod';
import { jsonObjectSchema, timestampSchema } from './common';

/**
 * `DeviceGroupRead` (router era, `GET /device-groups`; docs/manager-api.md §R3.12). These
 * endpoints drop every null field, so `description` and `filters` may be absent.
 */
export const deviceGroupSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string().optional(),
    group_type: z.enum(['static', 'dynamic']),
    filters: jsonObjectSchema.optional(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    device_count: z.number().int(),
  })
  .loose();

/** A device group. */
export type DeviceGroup = z.infer<typeof deviceGroupSchema>;

/**
 * `GET /device-groups/{key}`: the group with its devices. Null fields are dropped inside `devices` too, so
 * only the id is required there (read a device in full with `getDevice`).
 */
export const deviceGroupDetailSchema = deviceGroupSchema.extend({
  devices: z.array(z.object({ id: z.string(), name: z.string().optional() }).loose()),
});

/** A device group with its members. */
export type DeviceGroupDetail = z.infer<typeof deviceGroupDetailSchema>;
