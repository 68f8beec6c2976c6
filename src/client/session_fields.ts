import type { SessionStatus } from './schemas/common';

/** Body of `POST /sessions` in camelCase; only `sessionId` is required. */
export interface SessionRegistration {
  /** WebDriver session id (or `error-<uuid>` for driver-creation failures). */
  readonly sessionId: string;
  /** Test (scenario) name. */
  readonly testName?: string | null;
  /** Device uuid, when known. */
  readonly deviceId?: string | null;
  /** Connection target (saved or live node target). */
  readonly connectionTarget?: string | null;
  /** Initial status (default `running`). */
  readonly status?: SessionStatus;
  /** Requested pack id. */
  readonly requestedPackId?: string | null;
  /** Requested platform id. */
  readonly requestedPlatformId?: string | null;
  /** Requested device type. */
  readonly requestedDeviceType?: 'real_device' | 'emulator' | 'simulator' | null;
  /** Requested connection type. */
  readonly requestedConnectionType?: 'usb' | 'network' | 'virtual' | null;
  /** Requested (or returned) capabilities; ≤ 32 KB serialized. */
  readonly requestedCapabilities?: Readonly<Record<string, unknown>> | null;
  /** Error class name for failed setups. */
  readonly errorType?: string | null;
  /** Error text for failed setups. */
  readonly errorMessage?: string | null;
  /** Run id (must be a uuid; the manager ignores it and derives the run itself). */
  readonly runId?: string | null;
}

const WIRE: Record<keyof SessionRegistration, string> = {
  sessionId: 'session_id',
  testName: 'test_name',
  deviceId: 'device_id',
  connectionTarget: 'connection_target',
  status: 'status',
  requestedPackId: 'requested_pack_id',
  requestedPlatformId: 'requested_platform_id',
  requestedDeviceType: 'requested_device_type',
  requestedConnectionType: 'requested_connection_type',
  requestedCapabilities: 'requested_capabilities',
  errorType: 'error_type',
  errorMessage: 'error_message',
  runId: 'run_id',
};

/**
 * Converts a registration to the wire body. Unknown keys are a TypeError (the manager would answer
 * 422 `extra_forbidden`); undefined values are left out.
 */
export function sessionRegistrationToWire(fields: SessionRegistration): Record<string, unknown> {
  if (typeof fields?.sessionId !== 'string' || fields.sessionId === '') {
    throw new TypeError('registerSession: sessionId must be a non-empty string (the WebDriver session id).');
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const wire = WIRE[key as keyof SessionRegistration];
    if (!wire) {
      throw new TypeError(
        `registerSession: unknown field '${key}'. Valid fields: ${Object.keys(WIRE).join(', ')}.`,
      );
    }
    if (value !== undefined) body[wire] = value;
  }
  return body;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function stringCap(caps: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = caps[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * Derives registration fields from the capabilities a driver returned, as the testkit does:
 * device id from `appium:gridfleet:deviceId`/`gridfleet:deviceId` (only when it is a uuid), connection
 * target from `appium:udid` else `appium:deviceName`, and the capabilities themselves.
 */
export function registrationFromCapabilities(
  sessionId: string,
  capabilities: Record<string, unknown>,
): SessionRegistration {
  const deviceId = stringCap(capabilities, 'appium:gridfleet:deviceId', 'gridfleet:deviceId');
  return {
    sessionId,
    deviceId: deviceId && UUID.test(deviceId) ? deviceId : undefined,
    connectionTarget: stringCap(capabilities, 'appium:udid', 'appium:deviceName'),
    requestedCapabilities: capabilities,
  };
}
