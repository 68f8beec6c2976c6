import { z } from 'zod';
import type { ResponseIssue } from '../errors';

/**
 * ISO-8601 timestamp as the manager sends it: `Z` or `+00:00` suffix, with or without fractional
 * seconds. Kept as the original string so no precision or spelling is lost.
 */
export const timestampSchema = z.iso.datetime({ offset: true });

/** Any JSON object (`device_config`, test_data, capabilities, ...). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** A JSON object of free-form data. */
export type JsonObject = z.infer<typeof jsonObjectSchema>;

/** Every run state a client must accept (`ready` exists only on claim-era managers). */
export const runStateSchema = z.enum([
  'pending',
  'preparing',
  'ready',
  'active',
  'completing',
  'completed',
  'failed',
  'expired',
  'cancelled',
]);

/** A run state. */
export type RunState = z.infer<typeof runStateSchema>;

/** Run states after which nothing changes any more. */
export const TERMINAL_RUN_STATES: readonly RunState[] = ['completed', 'failed', 'expired', 'cancelled'];

/** Session status values (`pending` exists only on router-era managers: a row whose session is being created). */
export const sessionStatusSchema = z.enum(['running', 'passed', 'failed', 'error', 'pending']);

/** A session status. */
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/** Device types known to the manager. */
export const deviceTypeSchema = z.enum(['real_device', 'emulator', 'simulator']);

/** Connection types known to the manager. */
export const connectionTypeSchema = z.enum(['usb', 'network', 'virtual']);

/** `{include, reason}` entries reporting an include the manager could not hydrate. */
export const unavailableIncludeSchema = z.object({ include: z.string(), reason: z.string() }).loose();

/** An include the manager could not hydrate. */
export type UnavailableInclude = z.infer<typeof unavailableIncludeSchema>;

/** Formats a zod issue path as `devices[0].device_id`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out.startsWith('[') ? `(root)${out}` : out;
}

/** Turns a zod error into credential-free issues for {@link ResponseValidationError}. */
export function toResponseIssues(error: z.ZodError): ResponseIssue[] {
  return error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
}
