import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedPorts, StackGeneration } from './options';

/** What a running stack records in `<stateDir>/stack.json`, for `lab:down` and for other tools. */
export interface StackInfo {
  /** Which GridFleet the stack plays (absent in files written before the router generation existed). */
  readonly generation?: StackGeneration;
  /** Lab base URL. */
  readonly labUrl: string;
  /** GridFleet API base URL. */
  readonly apiUrl: string;
  /** Selenium Grid URL. */
  readonly gridUrl: string;
  /** Appium URL. */
  readonly appiumUrl: string;
  /** Environment that points a test at the stack. */
  readonly env: Readonly<Record<string, string>>;
  /** Ports in use. */
  readonly ports: ResolvedPorts;
  /** Devices: id, name, udid (pin with `appium:udid`) and platform id. */
  readonly devices: readonly { id: string; name: string; udid: string; platformId: string }[];
}

/** Path of `stack.json` in a state dir. */
export function stackInfoPath(stateDir: string): string {
  return path.join(stateDir, 'stack.json');
}

/** Writes `<stateDir>/stack.json`. */
export function writeStackInfo(stateDir: string, info: StackInfo): void {
  fs.writeFileSync(stackInfoPath(stateDir), `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Reads `<stateDir>/stack.json` of a stack started there (e.g. by `npm run lab`), or `undefined`
 * when there is none or it is unreadable.
 */
export function readStackInfo(stateDir: string): StackInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(stackInfoPath(stateDir), 'utf8')) as StackInfo;
  } catch {
    return undefined;
  }
}

/** Removes `stack.json`; a missing file is fine. */
export function removeStackInfo(stateDir: string): void {
  fs.rmSync(stackInfoPath(stateDir), { force: true });
}
