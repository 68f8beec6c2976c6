/** Placeholder that replaces secret capability values in messages and reports. */
const REDACTED = '***';

/**
 * Capability names whose values are secrets: passwords (e.g. the Roku pack's session-required
 * `appium:password`), tokens, keys and credentials. Matched on the name after any `vendor:` prefix.
 */
const SECRET_NAME =
  /(pass(word|wd|phrase)?|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|auth)/i;

/** Whether a capability name denotes a secret value. */
function isSecretCapability(name: string): boolean {
  return SECRET_NAME.test(name.slice(name.lastIndexOf(':') + 1));
}

/**
 * A copy of `capabilities` with secret values replaced by {@link REDACTED}, recursively (vendor option
 * objects such as `appium:options` may nest them). Used wherever capabilities leave the process in text:
 * error messages, error properties and the error session reported to the manager.
 */
export function redactCapabilities(capabilities: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return redactObject(capabilities) as Record<string, unknown>;
}

function redactObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactObject);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      key,
      isSecretCapability(key) && inner !== null && inner !== undefined && inner !== ''
        ? REDACTED
        : redactObject(inner),
    ]),
  );
}
