import { z } from 'zod';

/** The manager's application error envelope: `{"error": {code, message, request_id, details?}}`. */
export const errorEnvelopeSchema = z
  .object({
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        request_id: z.string().nullish(),
        details: z.unknown().optional(),
      })
      .loose(),
  })
  .loose();

/** Framework (and legacy testkit-era) error body: `{"detail": "Not Found"}`. */
export const legacyDetailSchema = z.object({ detail: z.string() }).loose();

/** `error.details` of the no-claimable 409. */
export const noClaimableDetailsSchema = z
  .object({
    error: z.literal('no_claimable_devices'),
    retry_after_sec: z.unknown().optional(),
    next_available_at: z.string().nullish(),
  })
  .loose();

/** `error.details` carrying a machine-readable `code` (unknown_include, pack_disabled, ...). */
export const codedDetailsSchema = z
  .object({ code: z.string(), values: z.array(z.string()).optional(), message: z.string().optional() })
  .loose();
