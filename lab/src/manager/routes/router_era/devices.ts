/**
 * Router-era device reads (docs/manager-api.md §R3.2, §R3.3, §R3.12, §R1.2): `GET /api/devices`
 * with `reserved` and repeated `group` filters, device detail, device groups and the flat
 * `GET /api/grid/status`. The test_data, config and capabilities routes are the claim era's.
 */
import { notFound, validationError } from '../../http/errors';
import type { Router } from '../../http/router';
import type { FieldSpec } from '../../http/validate';
import { isoZ } from '../../http/wire';
import { listDevices, requireDevice } from '../../state/devices';
import type { DeviceRow } from '../../state/model';
import {
  nodePort,
  routerDeviceDetail,
  routerDeviceView,
  routerOperationalState,
} from '../../state/router_device';
import { checkGroups } from '../../state/router_reserve';
import type { LabStore } from '../../state/store';
import { gridStatusParts } from '../../state/tickets';
import { ok, parseRequest, UUID_PARAM } from '../common';
import { LIST_QUERY as CLAIM_LIST_QUERY, registerDeviceDataRoutes } from '../devices';
import { dropNulls, groupKeyIssues } from './groups';

const VERDICTS = ['ok', 'warn', 'failed', 'unknown'];

const {
  hardware_health_status: _hw,
  hardware_telemetry_state: _telemetry,
  sort_by: _sortBy,
  ...shared
} = CLAIM_LIST_QUERY;

// Router era docs/manager-api.md §R3.2: `status` without `reserved`, telemetry filters gone, `reserved` and health verdicts new.
const LIST_QUERY: Record<string, FieldSpec> = {
  ...shared,
  status: { kind: 'enum', values: ['available', 'busy', 'offline', 'maintenance', 'verifying'] },
  reserved: { kind: 'bool' },
  os_version_display: { kind: 'str' },
  device_health: { kind: 'enum', values: VERDICTS },
  node_health: { kind: 'enum', values: VERDICTS },
  viability: { kind: 'enum', values: VERDICTS },
  sort_by: {
    kind: 'enum',
    literal: true,
    values: [
      'name',
      'platform',
      'device_type',
      'connection_type',
      'os_version',
      'os_version_display',
      'host',
      'status',
      'operational_state',
      'created_at',
    ],
    default: 'created_at',
  },
};

/** A verdict filter against the device's `health_summary` (as the lab reports it). */
function verdictOf(view: Record<string, unknown>, signal: string): string {
  const summary = view.health_summary as Record<string, { status: string }>;
  return summary[signal]?.status ?? 'unknown';
}

/** Registers the router-era device routes, device groups and `GET /api/grid/status`. */
export function registerRouterDeviceRoutes(router: Router, store: LabStore): void {
  const now = () => store.clock.now();

  router.add('GET', '/api/devices', (ctx) => {
    const { query } = parseRequest(ctx, { query: LIST_QUERY });
    const groups = ctx.query.getAll('group');
    const issues = groupKeyIssues(groups, ['query', 'group']);
    if (issues.length > 0) throw validationError(issues);
    checkGroups(store, groups);
    const t = now();
    const rows = listDevices(store, {
      ...(query as Record<string, never>),
      status: null,
      // `tags.K=V` is ignored in this era (docs/manager-api.md §R0 item 5).
      tags: {},
      sort_by: (query.sort_by === 'os_version_display' ? 'os_version' : query.sort_by) as string,
      sort_dir: query.sort_dir as 'asc' | 'desc',
    })
      .map((d) => ({ d, view: routerDeviceView(store, d, t) }))
      .filter(
        ({ d, view }) =>
          (query.status === null || routerOperationalState(d) === query.status) &&
          (query.reserved === null || view.is_reserved === query.reserved) &&
          (query.os_version_display === null || view.os_version_display === query.os_version_display) &&
          groups.every((g) => d.groups.includes(g)) &&
          (query.device_health === null || verdictOf(view, 'device') === query.device_health) &&
          (query.node_health === null || verdictOf(view, 'node') === query.node_health) &&
          (query.viability === null || verdictOf(view, 'viability') === query.viability),
      )
      .map(({ view }) => view);
    if (query.limit === null) return ok(rows);
    const limit = query.limit as number;
    const offset = query.offset as number;
    return ok({ items: rows.slice(offset, offset + limit), total: rows.length, limit, offset });
  });

  router.add('GET', '/api/devices/{device_id}', (ctx) => {
    const { path } = parseRequest(ctx, { path: { device_id: UUID_PARAM } });
    return ok(routerDeviceDetail(store, requireDevice(store, path.device_id as string), now()));
  });

  registerDeviceDataRoutes(router, store, { configPut: false });

  const members = (key: string): DeviceRow[] =>
    listDevices(store, { tags: {}, sort_by: 'created_at', sort_dir: 'desc' }).filter((d) =>
      d.groups.includes(key),
    );
  // The lab's groups exist from the start: they carry the lab's earliest device time.
  const groupTime = () => isoZ(Math.min(now(), ...[...store.devices.values()].map((d) => d.created_at)));
  const groupRead = (key: string) => {
    const g = store.lab.groups.find((x) => x.key === key);
    if (!g) return null;
    return {
      key: g.key,
      name: g.name,
      description: g.description,
      group_type: 'static',
      created_at: groupTime(),
      updated_at: groupTime(),
      device_count: members(g.key).length,
    };
  };

  router.add('GET', '/api/device-groups', () => ok(dropNulls(store.lab.groups.map((g) => groupRead(g.key)))));

  router.add('GET', '/api/device-groups/{key}', (ctx) => {
    const key = ctx.params.key ?? '';
    const issues = groupKeyIssues([key], ['path', 'key']).map((i) => ({ ...i, loc: ['path', 'key'] }));
    if (issues.length > 0) throw validationError(issues);
    const read = groupRead(key);
    if (!read) throw notFound('Group not found');
    const t = now();
    return ok(dropNulls({ ...read, devices: members(key).map((d) => routerDeviceView(store, d, t)) }));
  });

  router.add('GET', '/api/grid/status', () => {
    const parts = gridStatusParts(store);
    const devices = listDevices(store, { tags: {}, sort_by: 'created_at', sort_dir: 'desc' });
    const up = (d: DeviceRow) => d.operational_state !== 'offline' || d.health.healthy === false;
    return ok({
      ready: true,
      message: 'gridfleet control plane',
      registry: {
        device_count: devices.length,
        devices: devices.map((d) => ({
          id: d.id,
          identity_value: d.identity_value,
          connection_target: d.connection_target,
          name: d.name,
          platform_id: d.platform_id,
          operational_state: routerOperationalState(d),
          node_state: up(d) ? 'running' : 'stopped',
          node_port: nodePort(store, d),
        })),
      },
      // Queue values come from the internal grid's tickets (state/tickets.ts).
      active_sessions: parts.active_sessions,
      active_session_ids: parts.active_session_ids,
      running_node_count: devices.filter(up).length,
      queue_size: parts.queue_size,
      queued_request_ids: parts.queued_request_ids,
    });
  });
}
