/** Row types of the lab's in-memory model (the manager's tables, snake_case, times in epoch ms). */

/** Run states the manager knows. */
export type RunState =
  | 'pending'
  | 'preparing'
  | 'ready'
  | 'active'
  | 'completing'
  | 'completed'
  | 'failed'
  | 'expired'
  | 'cancelled';

/** All run states, in the manager's enum order. */
export const RUN_STATES: readonly RunState[] = [
  'pending',
  'preparing',
  'ready',
  'active',
  'completing',
  'completed',
  'failed',
  'expired',
  'cancelled',
];

/** States a run never leaves. */
export const TERMINAL_STATES: ReadonlySet<RunState> = new Set([
  'completed',
  'failed',
  'expired',
  'cancelled',
]);

/** Session statuses. */
export const SESSION_STATUSES = ['running', 'passed', 'failed', 'error'] as const;
/** A session status. */
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** One test_data audit row. */
export interface TestDataHistoryRow {
  id: string;
  previous_test_data: Record<string, unknown>;
  new_test_data: Record<string, unknown>;
  changed_by: string | null;
  changed_at: number;
}

/** A device row. */
export interface DeviceRow {
  id: string;
  pack_id: string;
  platform_id: string;
  identity_scheme: string;
  identity_scope: string;
  identity_value: string;
  connection_target: string | null;
  name: string;
  os_version: string;
  manufacturer: string | null;
  model: string | null;
  model_number: string | null;
  host_id: string;
  host_ip: string;
  operational_state: 'available' | 'busy' | 'offline';
  hold: 'maintenance' | 'reserved' | null;
  tags: Record<string, string>;
  /** Group keys (router generation). */
  groups: string[];
  device_type: 'real_device' | 'emulator' | 'simulator';
  connection_type: 'usb' | 'network' | 'virtual';
  ip_address: string | null;
  device_config: Record<string, unknown>;
  battery_level_percent: number | null;
  battery_temperature_c: number | null;
  charging_state: string | null;
  hardware_telemetry_reported_at: number | null;
  readiness_state: 'setup_required' | 'verification_required' | 'verified';
  verified_at: number | null;
  lifecycle: { state: string; label: string; detail: string | null };
  needs_attention: boolean;
  health: { healthy: boolean | null; summary: string; last_checked_at: number | null };
  test_data: Record<string, unknown>;
  test_data_history: TestDataHistoryRow[];
  created_at: number;
  updated_at: number;
}

/** A reservation of one device by one run (with its claim and exclusion state). */
export interface ReservationRow {
  id: string;
  run_id: string;
  device_id: string;
  identity_value: string;
  connection_target: string | null;
  os_version: string;
  host_ip: string | null;
  excluded: boolean;
  exclusion_reason: string | null;
  excluded_at: number | null;
  excluded_until: number | null;
  cooldown_count: number;
  claimed_by: string | null;
  claimed_at: number | null;
  released_at: number | null;
  created_at: number;
}

/** A stored run requirement (defaults filled, null keys dropped). */
export type StoredRequirement = Record<string, unknown>;

/** A run row. */
export interface RunRow {
  id: string;
  name: string;
  state: RunState;
  requirements: StoredRequirement[];
  ttl_minutes: number;
  heartbeat_timeout_sec: number;
  error: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  created_by: string | null;
  last_heartbeat: number;
}

/** A waiting new-session request of the router generation (docs/manager-api.md §R4.6.1). */
export interface TicketRow {
  id: string;
  status: 'waiting' | 'cancelled' | 'expired';
  /** The run of a run-bound request, null for a free one. */
  run_id: string | null;
  /** The merged alwaysMatch × firstMatch candidates (FIFO veto re-matches them). */
  candidates: Record<string, unknown>[];
  created_at: number;
  last_polled_at: number;
  /** What a re-poll of a cancelled ticket answers (400). */
  cancel_message: string | null;
}

/** A session row. */
export interface SessionRow {
  id: string;
  session_id: string;
  test_name: string | null;
  started_at: number;
  ended_at: number | null;
  /** `pending` only in the router generation, between the claim and Appium's answer. */
  status: SessionStatus | 'pending';
  requested_pack_id: string | null;
  requested_platform_id: string | null;
  requested_device_type: string | null;
  requested_connection_type: string | null;
  requested_capabilities: Record<string, unknown> | null;
  error_type: string | null;
  error_message: string | null;
  run_id: string | null;
  device_id: string | null;
  /** Router generation: what Appium returned as the session's capabilities. */
  actual_capabilities?: Record<string, unknown> | null;
  /** Router generation: the Appium URL the session lives on (what `/internal/grid/routes` lists). */
  target?: string | null;
  /** Router generation: last `POST /internal/grid/activity` naming the session. */
  last_activity_at?: number | null;
  /** Router generation: the ticket whose claim made this row (a re-sent ticket tears it down). */
  ticket_id?: string | null;
}
