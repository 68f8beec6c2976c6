/** Include hydration for reserve (`config`, `test_data`) and claim (+ `capabilities`). */
import { ApiError } from '../http/errors';
import { jsonbOrder } from '../http/wire';
import { deviceCapabilities } from './devices';
import type { LabStore } from './store';
import type { Inlined } from './views';

/** Include tokens a caller asked for. */
export type IncludeSet = Set<'config' | 'test_data' | 'capabilities'>;

/**
 * Parses `include=a,b` (trimmed, empty items ignored). Unknown tokens → 422 `unknown_include`
 * with the sorted unknown values; `capabilities` is known but only allowed where `allowCapabilities`.
 */
export function parseIncludes(raw: string | null, allowCapabilities: boolean): IncludeSet {
  const tokens = (raw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const known = ['config', 'test_data', 'capabilities'];
  const unknown = [...new Set(tokens.filter((t) => !known.includes(t)))].sort();
  if (unknown.length > 0) throw new ApiError(422, { code: 'unknown_include', values: unknown });
  if (!allowCapabilities && tokens.includes('capabilities')) {
    const message =
      'include=capabilities is not supported on reserve; reserved devices may not be online and capabilities require a live agent probe';
    throw new ApiError(422, { code: 'reserve_capabilities_unsupported', message });
  }
  return new Set(tokens) as IncludeSet;
}

/** Builds the inlined fields for one device; a failing include is reported, never thrown. */
export function hydrate(store: LabStore, deviceId: string, includes: IncludeSet): Inlined {
  const out: Inlined = { unavailable_includes: [] };
  const device = store.devices.get(deviceId);
  for (const include of ['config', 'capabilities', 'test_data'] as const) {
    if (!includes.has(include)) continue;
    if (!device) {
      out.unavailable_includes?.push({ include, reason: 'device_not_found' });
      continue;
    }
    try {
      if (include === 'config') out.config = jsonbOrder(device.device_config) as Record<string, unknown>;
      if (include === 'test_data') out.test_data = jsonbOrder(device.test_data) as Record<string, unknown>;
      if (include === 'capabilities') out.live_capabilities = deviceCapabilities(store, device);
    } catch (err) {
      out.unavailable_includes?.push({
        include,
        reason: err instanceof Error ? err.constructor.name : 'Exception',
      });
    }
  }
  return out;
}
