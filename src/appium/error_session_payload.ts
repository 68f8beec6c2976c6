import { randomUUID } from 'node:crypto';
import type { SessionRegistration } from '../client/session_fields';
import { AppiumDriverCreationError, errorClassName } from './errors';
import { redactCapabilities } from './redact_capabilities';

/** The manager's limit on `requested_capabilities`: compact, key-sorted JSON of at most 32 KiB (docs/manager-api.md §C8.2). */
export const MAX_REQUESTED_CAPABILITIES_BYTES = 32 * 1024;

/** Key added to size-limited capabilities, listing the capability names that were dropped to fit. */
export const TRUNCATED_CAPABILITIES_KEY = 'gridfleet:truncatedCapabilities';

const DEVICE_TYPES = new Set(['real_device', 'emulator', 'simulator']);
const CONNECTION_TYPES = new Set(['usb', 'network', 'virtual']);

/** Input of {@link buildErrorSessionPayload}. */
export interface ErrorSessionFields {
  /** The error driver creation failed with (an {@link AppiumDriverCreationError} is unwrapped). */
  error: unknown;
  /** Test (scenario) name, recorded as `test_name`. */
  testName?: string | null | undefined;
  /** Capabilities that were attempted (default: those carried by an {@link AppiumDriverCreationError}). */
  capabilities?: Record<string, unknown> | null | undefined;
  /** Requested pack id (default: from the error, when known). */
  packId?: string | null | undefined;
  /** Requested platform id (default: from the error, else the `appium:platform` capability). */
  platformId?: string | null | undefined;
  /** Session id to use (default `error-<uuid4>`). */
  sessionId?: string | undefined;
}

/** Body of `POST /api/sessions` for a driver-creation failure (wire names, docs/manager-api.md §C8.2). */
export interface ErrorSessionPayload {
  /** `error-<uuid4>`: no WebDriver session exists. */
  session_id: string;
  /** Test name, or null. */
  test_name: string | null;
  /** Always `error`. */
  status: 'error';
  /** Requested pack id, or null. */
  requested_pack_id: string | null;
  /** Requested platform id, or null. */
  requested_platform_id: string | null;
  /** Requested device type (from `appium:device_type`), when it is a known value. */
  requested_device_type: 'real_device' | 'emulator' | 'simulator' | null;
  /** Requested connection type (from `appium:connection_type`), when it is a known value. */
  requested_connection_type: 'usb' | 'network' | 'virtual' | null;
  /** Attempted capabilities, secrets masked and size-limited to what the manager accepts; null when unknown. */
  requested_capabilities: Record<string, unknown> | null;
  /** Class name of the original error (e.g. `SessionNotCreatedError`). */
  error_type: string;
  /** Message of the original error. */
  error_message: string;
}

/**
 * Builds the `POST /api/sessions` body that makes a driver-creation failure visible in the manager's
 * Sessions view (seed `build_error_session_payload`): a device-less `error-<uuid4>` session with the
 * requested lane, the attempted capabilities (secret values masked, trimmed to the manager's 32 KiB
 * limit) and the error.
 */
export function buildErrorSessionPayload(fields: ErrorSessionFields): ErrorSessionPayload {
  const wrapped = fields.error instanceof AppiumDriverCreationError ? fields.error : undefined;
  const original = wrapped ? wrapped.cause : fields.error;
  const capabilities = fields.capabilities ?? wrapped?.capabilities ?? null;
  const caps = capabilities ?? {};
  const platformHint = caps['appium:platform'];
  return {
    session_id: fields.sessionId ?? `error-${randomUUID()}`,
    test_name: fields.testName ?? null,
    status: 'error',
    requested_pack_id: fields.packId ?? wrapped?.packId ?? null,
    requested_platform_id:
      fields.platformId ??
      wrapped?.platformId ??
      (typeof platformHint === 'string' && platformHint ? platformHint : null),
    requested_device_type: enumCapability(caps, ['appium:device_type', 'device_type'], DEVICE_TYPES) as
      | ErrorSessionPayload['requested_device_type']
      | null,
    requested_connection_type: enumCapability(
      caps,
      ['appium:connection_type', 'connection_type'],
      CONNECTION_TYPES,
    ) as ErrorSessionPayload['requested_connection_type'] | null,
    requested_capabilities:
      capabilities === null ? null : limitCapabilities(redactCapabilities(capabilities)),
    error_type: wrapped ? wrapped.originalName : errorClassName(original),
    error_message: original instanceof Error ? original.message : String(original),
  };
}

/**
 * Returns `capabilities` unchanged when their compact key-sorted JSON fits in `maxBytes`; otherwise drops
 * the largest entries until it fits and lists the dropped names under {@link TRUNCATED_CAPABILITIES_KEY}.
 * Sizes are measured with non-ASCII escaped as `\uXXXX`, as the manager serialises, so the result never
 * exceeds the manager's limit.
 */
export function limitCapabilities(
  capabilities: Record<string, unknown>,
  maxBytes: number = MAX_REQUESTED_CAPABILITIES_BYTES,
): Record<string, unknown> {
  if (serializedSize(capabilities) <= maxBytes) return { ...capabilities };
  const bySize = Object.keys(capabilities).sort(
    (a, b) => serializedSize({ [b]: capabilities[b] }) - serializedSize({ [a]: capabilities[a] }),
  );
  const kept: Record<string, unknown> = { ...capabilities };
  const dropped: string[] = [];
  for (const key of bySize) {
    delete kept[key];
    dropped.push(key);
    const candidate = { ...kept, [TRUNCATED_CAPABILITIES_KEY]: [...dropped].sort() };
    if (serializedSize(candidate) <= maxBytes) return candidate;
  }
  // Even the list of dropped names is too big: keep only a count.
  return { [TRUNCATED_CAPABILITIES_KEY]: `${dropped.length} capabilities dropped` };
}

/** Byte size of the manager's serialisation: sorted keys, no whitespace, non-ASCII as `\uXXXX`. */
function serializedSize(value: unknown): number {
  const json = JSON.stringify(sortKeys(value)) ?? 'null';
  let size = 0;
  for (let i = 0; i < json.length; i += 1) size += json.charCodeAt(i) > 0x7f ? 6 : 1;
  return size;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function enumCapability(caps: Record<string, unknown>, keys: string[], allowed: Set<string>): string | null {
  for (const key of keys) {
    const value = caps[key];
    if (typeof value === 'string' && allowed.has(value)) return value;
  }
  return null;
}

/**
 * {@link buildErrorSessionPayload} in the client's camelCase form, ready for
 * `client.registerSession(errorSessionRegistration({ error, testName }))`.
 */
export function errorSessionRegistration(fields: ErrorSessionFields): SessionRegistration {
  const payload = buildErrorSessionPayload(fields);
  return {
    sessionId: payload.session_id,
    testName: payload.test_name,
    status: payload.status,
    requestedPackId: payload.requested_pack_id,
    requestedPlatformId: payload.requested_platform_id,
    requestedDeviceType: payload.requested_device_type,
    requestedConnectionType: payload.requested_connection_type,
    requestedCapabilities: payload.requested_capabilities,
    errorType: payload.error_type,
    errorMessage: payload.error_message,
  };
}
