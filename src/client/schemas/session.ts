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
    // Claim era only (docs/manager-api.md, router era §5.1).
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
