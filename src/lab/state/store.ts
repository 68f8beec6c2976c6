/** The lab's in-memory database: devices, runs, reservations and sessions, resettable to the lab file. */
import { createHash, randomUUID } from 'node:crypto';
import { deviceIdentity } from '../catalog';
import type { LabPack, LabPlatform, LabSettings, ResolvedLab } from '../lab_file';
import type { LabClock } from './clock';
import type { DeviceRow, ReservationRow, RunRow, SessionRow, TicketRow } from './model';
import { TERMINAL_STATES } from './model';

/** Deterministic small integer from a string (stable fake telemetry per device). */
function hashInt(text: string, modulo: number): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) % modulo;
}

/** UUID-formatted deterministic id (for hosts). */
function hashUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** All mutable lab state plus its configuration. */
export class LabStore {
  devices = new Map<string, DeviceRow>();
  runs = new Map<string, RunRow>();
  reservations: ReservationRow[] = [];
  sessions: SessionRow[] = [];
  /** Router generation: new-session tickets (waiting, cancelled, expired; claimed ones are dropped). */
  tickets: TicketRow[] = [];
  /** Pack states as declared (the catalog may switch a draining pack off; reset restores it). */
  private readonly initialPackStates: string[];

  constructor(
    readonly lab: ResolvedLab,
    readonly settings: LabSettings,
    readonly clock: LabClock,
  ) {
    this.initialPackStates = lab.packs.map((p) => p.state);
    this.reset();
  }

  /** Back to the lab file's initial state (runs, sessions and history dropped). */
  reset(): void {
    const now = this.clock.now();
    this.devices.clear();
    this.runs.clear();
    this.reservations = [];
    this.sessions = [];
    this.tickets = [];
    this.lab.packs.forEach((p, i) => {
      p.state = (this.initialPackStates?.[i] ?? p.state) as LabPack['state'];
    });
    for (const d of this.lab.devices) {
      const platform = this.platform(d.pack_id, d.platform_id);
      const identity = platform
        ? deviceIdentity(platform, d.device_type)
        : { scheme: 'serial', scope: 'host' };
      const telemetry = d.device_type === 'real_device' && d.connection_type === 'usb';
      const healthy = d.healthy;
      this.devices.set(d.id, {
        id: d.id,
        pack_id: d.pack_id,
        platform_id: d.platform_id,
        identity_scheme: identity.scheme,
        identity_scope: identity.scope,
        identity_value: d.identity_value,
        connection_target: d.connection_target,
        name: d.name,
        os_version: d.os_version,
        manufacturer: d.manufacturer,
        model: d.model,
        model_number: d.model_number,
        host_id: hashUuid(`gridfleet-lab-host\0${d.host_ip}`),
        host_ip: d.host_ip,
        operational_state: d.operational_state,
        hold: d.hold,
        tags: { ...d.tags },
        groups: [...d.groups],
        device_type: d.device_type,
        connection_type: d.connection_type,
        ip_address: d.ip_address,
        device_config: structuredClone(d.config),
        battery_level_percent: telemetry ? 20 + hashInt(`${d.id}b`, 80) : null,
        battery_temperature_c: telemetry ? 30 + hashInt(`${d.id}t`, 60) / 10 : null,
        charging_state: telemetry
          ? (['charging', 'discharging', 'full'][hashInt(`${d.id}c`, 3)] ?? 'full')
          : null,
        hardware_telemetry_reported_at: now - 1000 * (30 + hashInt(`${d.id}r`, 240)),
        readiness_state: d.readiness_state,
        verified_at: d.readiness_state === 'verified' ? now : null,
        lifecycle:
          d.hold === 'maintenance'
            ? { state: 'suppressed', label: 'Suppressed', detail: 'Device is in maintenance mode' }
            : { state: 'idle', label: 'Idle', detail: null },
        needs_attention: healthy === false,
        health: {
          healthy,
          summary: healthy === null ? 'Unknown' : healthy ? 'Healthy' : 'Unhealthy',
          last_checked_at: healthy === null ? null : now,
        },
        test_data: structuredClone(d.test_data),
        test_data_history: [],
        created_at: now,
        updated_at: now,
      });
    }
  }

  /** The pack with that id, if declared. */
  pack(packId: string): LabPack | undefined {
    return this.lab.packs.find((p) => p.id === packId);
  }

  /** The platform of a pack, if declared. */
  platform(packId: string, platformId: string): LabPlatform | undefined {
    return this.pack(packId)?.platforms.find((p) => p.id === platformId);
  }

  /** Platform display name for a device (its `platform_label`). */
  platformLabel(device: DeviceRow): string | null {
    return this.platform(device.pack_id, device.platform_id)?.display_name ?? null;
  }

  /** The unreleased reservation holding a device, if any. */
  activeReservation(deviceId: string): ReservationRow | undefined {
    return this.reservations.find((r) => r.device_id === deviceId && r.released_at === null);
  }

  /** Reservations of a run, in reservation order. */
  runReservations(runId: string): ReservationRow[] {
    return this.reservations.filter((r) => r.run_id === runId);
  }

  /** Whether the device has a live session (running, or pending in the router generation). */
  hasRunningSession(deviceId: string): boolean {
    return this.sessions.some(
      (s) => s.device_id === deviceId && (s.status === 'running' || s.status === 'pending'),
    );
  }

  /** Operational state a device falls back to when nothing keeps it busy. */
  restingState(device: DeviceRow): 'available' | 'offline' {
    return device.health.healthy === false || device.readiness_state !== 'verified' ? 'offline' : 'available';
  }

  /** Moves a device off `busy` unless a running session keeps it there. */
  freeDevice(device: DeviceRow, now: number): void {
    if (device.operational_state === 'busy' && !this.hasRunningSession(device.id)) {
      device.operational_state = this.restingState(device);
      device.updated_at = now;
    }
  }

  /** Whether a run has ended. */
  isTerminal(run: RunRow): boolean {
    return TERMINAL_STATES.has(run.state);
  }

  /** A fresh random uuid (rows the manager creates get random ids). */
  newId(): string {
    return randomUUID();
  }
}
