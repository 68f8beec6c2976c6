import { z } from 'zod';
import { jsonObjectSchema, sessionStatusSchema, timestampSchema } from './common';

/** `SessionRead`: answer of `POST /sessions` and `PATCH /sessions/{id}/status`. */
export const sessionSchema = z
  .object({
    id: z.string(),
    session_id: z.string(),
    test_name: z.string().nullable(),
    started_at: timestampSchema,
    ended_at: timestampSchema.nullable(),
    status: sessionStatusSchema,
    // Claim era only (docs/manager-api.md §R5.1).
    requested_pack_id: z.string().nullish(),
    requested_platform_id: z.string().nullish(),
    requested_device_type: z.string().nullish(),
    requested_connection_type: z.string().nullish(),
    requested_capabilities: jsonObjectSchema.nullable(),
    // Router era only.
    actual_capabilities: jsonObjectSchema.nullish(),
    is_probe: z.boolean().optional(),
    error_type: z.string().nullable(),
    error_message: z.string().nullable(),
    run_id: z.string().nullable(),
  })
  .loose();

/** A session row. */
export type Session = z.infer<typeof sessionSchema>;

/** `SessionDetail`: a session row with its device (items of `GET /sessions`). */
export const sessionDetailSchema = sessionSchema.extend({ device_id: z.string().nullish() }).loose();

/** A session row with its device. */
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

/** `GET /sessions` page. */
export const sessionPageSchema = z.object({ items: z.array(sessionDetailSchema) }).loose();
