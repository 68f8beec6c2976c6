import { z } from 'zod';
import { timestampSchema } from './common';
import { runDeviceBaseShape } from './reserved_device';

/** `POST /runs/{id}/claim` (200): the claimed device. */
export const claimResponseSchema = z
  .object({
    ...runDeviceBaseShape,
    claimed_by: z.string(),
    claimed_at: timestampSchema,
  })
  .loose();

/** A claimed device. */
export type ClaimResponse = z.infer<typeof claimResponseSchema>;

/** `POST /runs/{id}/release` (200). */
export const releaseResponseSchema = z.object({ status: z.literal('released') }).loose();

/** A release answer. */
export type ReleaseResponse = z.infer<typeof releaseResponseSchema>;
