/** Device endpoints (docs/manager-api.md §C4): list, lookup, detail, config, capabilities, test_data, availability. */
import { ApiError } from '../http/errors';
import type { Router } from '../http/router';
import type { FieldSpec } from '../http/validate';
import { isoZ, jsonbOrder, pythonJsonDumps } from '../http/wire';
import {
  deepMerge,
  deviceCapabilities,
  deviceConfig,
  listDevices,
  requireDevice,
  writeTestData,
} from '../state/devices';
import type { LabStore } from '../state/store';
import { deviceView } from '../state/views';
import { ok, parseRequest, UUID_PARAM } from './common';

const TEST_DATA_LIMIT = 65_536;

/** Query of the claim era's `GET /devices` (the router era derives its own from it). */
export const LIST_QUERY: Record<string, FieldSpec> = {
  pack_id: { kind: 'str' },
  platform_id: { kind: 'str' },
  status: { kind: 'enum', values: ['available', 'busy', 'offline', 'maintenance', 'reserved'] },
  host_id: { kind: 'uuid' },
  identity_value: { kind: 'str' },
  connection_target: { kind: 'str' },
  device_type: { kind: 'enum', values: ['real_device', 'emulator', 'simulator'] },
  connection_type: { kind: 'enum', values: ['usb', 'network', 'virtual'] },
  os_version: { kind: 'str' },
  search: { kind: 'str' },
  hardware_health_status: { kind: 'enum', values: ['unknown', 'healthy', 'warning', 'critical'] },
  hardware_telemetry_state: { kind: 'enum', values: ['unknown', 'fresh', 'stale', 'unsupported'] },
  needs_attention: { kind: 'bool' },
  sort_by: {
    kind: 'enum',
    literal: true,
    values: [
      'name',
      'platform',
      'device_type',
      'connection_type',
      'os_version',
      'host',
      'status',
      'operational_state',
      'hold',
      'created_at',
    ],
    default: 'created_at',
  },
  sort_dir: { kind: 'enum', literal: true, values: ['asc', 'desc'], default: 'desc' },
  limit: { kind: 'int', ge: 1, le: 500 },
  offset: { kind: 'int', ge: 0, default: 0 },
};

/** `tags.KEY=VALUE` parameters (last value of a repeated key wins; bare `tags.` ignored). */
function tagFilters(query: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of query) if (k.startsWith('tags.') && k.length > 5) tags[k.slice(5)] = v;
  return tags;
}

function sizeCheck(body: unknown) {
  const size = Buffer.byteLength(pythonJsonDumps(body));
  if (size <= TEST_DATA_LIMIT) return [];
  return [
    {
      type: 'value_error',
      loc: ['body'],
      msg: `Value error, test_data payload exceeds ${TEST_DATA_LIMIT} bytes (got ${size})`,
      input: body,
      ctx: { error: {} },
    },
  ];
}

/** Registers the device routes. */
export function registerDeviceRoutes(router: Router, store: LabStore): void {
  const now = () => store.clock.now();
  const devicePath = { path: { device_id: UUID_PARAM } };

  router.add('GET', '/api/devices', (ctx) => {
    const { query } = parseRequest(ctx, { query: LIST_QUERY });
    const rows = listDevices(store, {
      ...(query as Record<string, never>),
      tags: tagFilters(ctx.query),
      sort_by: query.sort_by as string,
      sort_dir: query.sort_dir as 'asc' | 'desc',
    });
    const t = now();
    if (query.limit === null) return ok(rows.map((d) => deviceView(store, d, t)));
    const limit = query.limit as number;
    const offset = query.offset as number;
    return ok({
      items: rows.slice(offset, offset + limit).map((d) => deviceView(store, d, t)),
      total: rows.length,
      limit,
      offset,
    });
  });

  if (store.settings.lifecycle === 'target') {
    router.add('GET', '/api/devices/by-connection-target/{target}', (ctx) => {
      const target = ctx.params.target ?? '';
      const d = [...store.devices.values()].find((x) => x.connection_target === target);
      if (!d) throw new ApiError(404, 'Device not found for connection_target');
      return ok(deviceView(store, d, now()));
    });
  }

  router.add('GET', '/api/devices/{device_id}', (ctx) => {
    const { path } = parseRequest(ctx, devicePath);
    return ok(deviceView(store, requireDevice(store, path.device_id as string), now(), true));
  });

  registerDeviceDataRoutes(router, store, { configPut: true });
}

/**
 * Registers the per-device data routes both generations serve: config (`PUT` only with
 * `configPut`; the router era has PATCH only), capabilities, test_data and its history, availability.
 */
export function registerDeviceDataRoutes(
  router: Router,
  store: LabStore,
  options: { configPut: boolean },
): void {
  const now = () => store.clock.now();
  const devicePath = { path: { device_id: UUID_PARAM } };

  router.add('GET', '/api/devices/{device_id}/config', (ctx) => {
    const { path, query } = parseRequest(ctx, { ...devicePath, query: { keys: { kind: 'str' } } });
    const d = requireDevice(store, path.device_id as string);
    const keys = typeof query.keys === 'string' ? query.keys.split(',').map((k) => k.trim()) : null;
    return ok(deviceConfig(d, keys));
  });

  for (const method of options.configPut ? (['PUT', 'PATCH'] as const) : (['PATCH'] as const)) {
    router.add(method, '/api/devices/{device_id}/config', (ctx) => {
      const { path, body } = parseRequest(ctx, { ...devicePath, bodyDict: true });
      const d = requireDevice(store, path.device_id as string);
      const patch = body as Record<string, unknown>;
      d.device_config = method === 'PUT' ? structuredClone(patch) : deepMerge(d.device_config, patch);
      d.updated_at = now();
      return ok(jsonbOrder(d.device_config));
    });
  }

  router.add('GET', '/api/devices/{device_id}/capabilities', (ctx) => {
    const { path } = parseRequest(ctx, devicePath);
    return ok(deviceCapabilities(store, requireDevice(store, path.device_id as string)));
  });

  router.add('GET', '/api/devices/{device_id}/test_data', (ctx) => {
    const { path } = parseRequest(ctx, devicePath);
    return ok(jsonbOrder(requireDevice(store, path.device_id as string).test_data));
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    router.add(method, '/api/devices/{device_id}/test_data', (ctx) => {
      const { path, body } = parseRequest(ctx, { ...devicePath, bodyDict: true, bodyCheck: sizeCheck });
      const d = requireDevice(store, path.device_id as string);
      return ok(writeTestData(store, d, body as Record<string, unknown>, method === 'PATCH', ctx.user));
    });
  }

  router.add('GET', '/api/devices/{device_id}/test_data/history', (ctx) => {
    const { path, query } = parseRequest(ctx, {
      ...devicePath,
      query: { limit: { kind: 'int', ge: 1, le: 200, default: 50 } },
    });
    const d = requireDevice(store, path.device_id as string);
    return ok(
      d.test_data_history.slice(0, query.limit as number).map((h) => ({
        id: h.id,
        previous_test_data: jsonbOrder(h.previous_test_data),
        new_test_data: jsonbOrder(h.new_test_data),
        changed_by: h.changed_by,
        changed_at: isoZ(h.changed_at),
      })),
    );
  });

  router.add('GET', '/api/availability', (ctx) => {
    const { query } = parseRequest(ctx, {
      query: { platform_id: { kind: 'str', required: true }, count: { kind: 'int', ge: 1, default: 1 } },
    });
    const matched = [...store.devices.values()].filter(
      (d) =>
        d.platform_id === query.platform_id &&
        d.operational_state === 'available' &&
        d.hold === null &&
        d.readiness_state === 'verified' &&
        d.health.healthy !== false,
    ).length;
    const requested = query.count as number;
    return ok({ available: matched >= requested, requested, matched, platform_id: query.platform_id });
  });
}
