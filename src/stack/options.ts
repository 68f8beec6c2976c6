import type { ResolvedLab } from '../lab/lab_file';
import { StackError } from './errors';
import { freePort, STACK_HOST } from './ports';

/** A port: a number, or `0` / `'auto'` to pick a free one. */
export type PortOption = number | 'auto';

/** Ports of the three servers (defaults: lab 8000, grid 4444, appium 4723). */
export interface StackPorts {
  /** GridFleet lab (the API is below it at `/api`). */
  readonly lab?: PortOption;
  /** Selenium Grid standalone, or the router simulator (router generation): what `GRID_URL` points at. */
  readonly grid?: PortOption;
  /** Appium server. */
  readonly appium?: PortOption;
}

/** Which GridFleet the stack plays: `claim` (lab + Appium + Selenium Grid) or `router` (lab + Appium + router simulator). */
export type StackGeneration = 'claim' | 'router';

/** Options of {@link startStack}. */
export interface StackOptions {
  /**
   * `claim`: Selenium Grid 4 on the Grid port (needs Java). `router`: the router simulator on the
   * Grid port and a router-generation lab whose devices all run on the stack's Appium (no Java).
   * Default: the lab file's `settings.generation`.
   */
  readonly generation?: StackGeneration;
  /** Lab file path or an already loaded lab (default: the demo lab). */
  readonly lab?: string | ResolvedLab;
  /** Ports; `0`/`'auto'` picks free ports (tests should). */
  readonly ports?: StackPorts;
  /** Folder for PID files, logs and the generated Grid config (default `<cwd>/.lab`). */
  readonly stateDir?: string;
  /**
   * Run the lab inside this process via `startLab` instead of as a child process. Defaults to
   * `true` when `lab` is an object (it may have no file behind it), else `false`.
   */
  readonly labInProcess?: boolean;
  /** Receives one progress line at a time (default: silent). */
  readonly log?: (line: string) => void;
  /** How long each server may take to become ready (default 60 000 ms). */
  readonly readyTimeoutMs?: number;
  /** How long a request for a busy device waits in the Grid queue (default 30 s; claim generation). */
  readonly sessionRequestTimeoutSec?: number;
}

/** Default ports, as on a real deployment. */
export const DEFAULT_PORTS = { lab: 8000, grid: 4444, appium: 4723 } as const;

/** Concrete ports after `'auto'` was resolved. */
export interface ResolvedPorts {
  /** Lab port. */
  readonly lab: number;
  /** Grid port. */
  readonly grid: number;
  /** Appium port. */
  readonly appium: number;
}

function checkPort(name: keyof StackPorts, value: unknown): number | 'auto' {
  if (value === undefined) return DEFAULT_PORTS[name];
  if (value === 'auto' || value === 0) return 'auto';
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536) return value;
  throw new StackError(
    `ports.${name} must be an integer from 1 to 65535, or 0 / "auto" for a free port; got ${JSON.stringify(value)}.`,
  );
}

/**
 * Validates the port options and replaces `0`/`'auto'` by distinct free ports.
 *
 * @throws StackError naming the bad port option.
 */
export async function resolvePorts(ports: StackPorts = {}): Promise<ResolvedPorts> {
  const wanted = {
    lab: checkPort('lab', ports.lab),
    grid: checkPort('grid', ports.grid),
    appium: checkPort('appium', ports.appium),
  };
  const used = new Set<number>(Object.values(wanted).filter((p): p is number => p !== 'auto'));
  const pick = async (p: number | 'auto'): Promise<number> => {
    if (p !== 'auto') return p;
    for (;;) {
      const port = await freePort(STACK_HOST);
      if (!used.has(port)) {
        used.add(port);
        return port;
      }
    }
  };
  return { lab: await pick(wanted.lab), grid: await pick(wanted.grid), appium: await pick(wanted.appium) };
}

/**
 * Validates a generation option (`claim` or `router`).
 *
 * @throws StackError naming the accepted values.
 */
export function parseGeneration(flag: string, raw: unknown): StackGeneration {
  if (raw === 'claim' || raw === 'router') return raw;
  throw new StackError(`${flag} must be "claim" or "router"; got ${JSON.stringify(raw)}.`);
}

/** Parses a CLI/string port value: a number, `0` or `auto`. */
export function parsePortArg(flag: string, raw: string | undefined): PortOption {
  if (raw === 'auto') return 'auto';
  const port = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StackError(
      `${flag} needs a port number from 0 to 65535 or "auto"; got ${JSON.stringify(raw ?? '')}.`,
    );
  }
  return port;
}
