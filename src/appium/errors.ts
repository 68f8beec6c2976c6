import { GridFleetError } from '../client/errors';
import { redactCapabilities } from './redact_capabilities';

/**
 * Errors raised by the Appium helpers. Each names what was wrong and how to fix it; none ever carries
 * credentials.
 */

/** Why a pack/platform selection could not be turned into Appium capabilities. */
export type CapabilityResolutionErrorCode =
  | 'missing_platform'
  | 'conflicting_platform_selection'
  | 'unknown_pack'
  | 'pack_not_enabled'
  | 'platform_not_in_pack'
  | 'ambiguous_platform'
  | 'platform_not_found'
  | 'invalid_catalog_platform'
  | 'missing_catalog'
  | 'manager_owned_capability'
  | 'invalid_pin';

/**
 * The requested pack/platform lane cannot be resolved against the enabled driver-pack catalog (or the
 * request mixes lane selection with a raw `platformName`). Mirrors the seed testkit's `ValueError`s.
 */
export class CapabilityResolutionError extends GridFleetError {
  /** Machine-readable reason. */
  readonly code: CapabilityResolutionErrorCode;

  /** Creates the error with its reason code and a message that says how to fix it. */
  constructor(code: CapabilityResolutionErrorCode, message: string) {
    super(message);
    this.name = 'CapabilityResolutionError';
    this.code = code;
  }
}

/**
 * A webdriverio session could not be created through the Grid. Keeps the original error as `cause` and
 * its message verbatim, and says which Grid URL (credentials removed) and which capabilities were tried.
 */
export class AppiumDriverCreationError extends GridFleetError {
  /** The Grid URL the session was requested from, without any user-info part. */
  readonly gridUrl: string;
  /** The capabilities sent in the new-session request, secret values (passwords, tokens) masked. */
  readonly capabilities: Record<string, unknown>;
  /** Pack id of the lane, when the session was requested through a pack/platform lane. */
  readonly packId: string | undefined;
  /** Platform id of the lane, when known. */
  readonly platformId: string | undefined;
  /** Class name of the original error (e.g. `SessionNotCreatedError`), for `error_type` reporting. */
  readonly originalName: string;

  /** Wraps `cause`, the error webdriverio raised. */
  constructor(fields: {
    cause: unknown;
    gridUrl: string;
    capabilities: Record<string, unknown>;
    packId?: string | undefined;
    platformId?: string | undefined;
    /** One extra line saying what probably went wrong, when the caller can tell. */
    hint?: string | undefined;
  }) {
    const original = fields.cause instanceof Error ? fields.cause.message : String(fields.cause);
    const capabilities = redactCapabilities(fields.capabilities);
    super(
      `Could not create an Appium session through GRID_URL ${fields.gridUrl}: ${original}\n` +
        `Capabilities attempted: ${JSON.stringify(capabilities)}` +
        (fields.hint ? `\n${fields.hint}` : ''),
      { cause: fields.cause },
    );
    this.name = 'AppiumDriverCreationError';
    this.gridUrl = fields.gridUrl;
    this.capabilities = capabilities;
    this.packId = fields.packId;
    this.platformId = fields.platformId;
    this.originalName = errorClassName(fields.cause);
  }
}

/** The capabilities of a live session do not say which device it runs on. */
export class MissingConnectionTargetError extends GridFleetError {
  /** The capability keys the session did report (values omitted: they may hold secrets). */
  readonly capabilityKeys: string[];

  /** Creates the error listing the keys the session reported. */
  constructor(capabilityKeys: string[]) {
    super(
      'Could not determine the device connection target from the session capabilities: none of ' +
        "'appium:udid', 'udid', 'appium:deviceName', 'deviceName' is a non-empty string " +
        `(capability keys present: ${capabilityKeys.length ? capabilityKeys.join(', ') : 'none'}). ` +
        "Pin the session with 'appium:udid' or make sure the Grid node stereotype carries it.",
    );
    this.name = 'MissingConnectionTargetError';
    this.capabilityKeys = capabilityKeys;
  }
}

/** A claim response cannot be hydrated (e.g. a reserve entry without claim fields, or a missing id). */
export class AllocatedDeviceError extends GridFleetError {
  /** The payload fields that were missing or empty. */
  readonly missingFields: string[];

  /** Creates the error naming the missing fields. */
  constructor(message: string, missingFields: string[]) {
    super(message);
    this.name = 'AllocatedDeviceError';
    this.missingFields = missingFields;
  }
}

/**
 * The class name of an error as reported in `error_type`. A specific `name` wins (e.g.
 * `SessionNotCreatedError`); webdriverio rethrows session failures as a plain `Error` whose message starts
 * with the original class (`WebDriverError: Could not start a new session...`), so that prefix is used
 * next; then the constructor name.
 */
export function errorClassName(error: unknown): string {
  if (error instanceof Error) {
    if (error.name && error.name !== 'Error') return error.name;
    const prefixed = /^([A-Z][A-Za-z0-9]*(?:Error|Exception)):\s/.exec(error.message);
    if (prefixed?.[1]) return prefixed[1];
    const ctor = error.constructor?.name;
    return ctor ? ctor : 'Error';
  }
  return typeof error === 'object' && error !== null ? 'Object' : typeof error;
}
