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
    requested_pack_id: z.string().nullable(),
    requested_platform_id: z.string().nullable(),
    requested_device_type: z.string().nullable(),
    requested_connection_type: z.string().nullable(),
    requested_capabilities: jsonObjectSchema.nullable(),
    error_type: z.string().nullable(),
    error_message: z.string().nullable(),
    run_id: z.string().nullable(),
  })
  .loose();

/** A session row. */
export type Session = z.infer<typeof sessionSchema>;
