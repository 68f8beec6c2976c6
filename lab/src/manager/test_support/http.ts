/** Test helpers: a tiny lab definition and a JSON HTTP caller for the lab's own tests. */
import assert from 'node:assert/strict';
import type { ResolvedLab } from '../lab_file';
import { parseLabFile } from '../lab_file';
import type { RunningLab } from '../server';

/** A decoded response. */
export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
}

/** Sends one request (JSON body when given) and decodes the JSON answer when there is one. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/**
 * The lab's API for a test file: `api(method, path, body?, headers?)` against `/api` and `reserve()`,
 * which creates a run and asserts the 201. `getLab` is read at call time (the lab starts in `before`).
 */
export function labApi(getLab: () => RunningLab) {
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(getLab().apiUrl, method, path, body, headers);
  const reserve = async (requirements: unknown[], query = '') => {
    const r = await api('POST', `/runs${query}`, { name: 'run', requirements });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  return { api, reserve };
}

/** Three devices like the recorded transcript's seed: two android_mobile, one firetv_real. */
export function tinyLab(settings: Record<string, unknown> = {}): ResolvedLab {
  return parseLabFile(
    {
      packs: [
        {
          id: 'appium-uiautomator2',
          display_name: 'Appium UiAutomator2',
          platforms: [
            {
              id: 'android_mobile',
              display_name: 'Android',
              automation_name: 'UiAutomator2',
              appium_platform_name: 'Android',
            },
            {
              id: 'firetv_real',
              display_name: 'Fire TV (real device)',
              automation_name: 'UiAutomator2',
              appium_platform_name: 'Android',
            },
          ],
        },
        {
          id: 'appium-espresso',
          state: 'disabled',
          platforms: [
            { id: 'android_espresso', automation_name: 'Espresso', appium_platform_name: 'Android' },
          ],
        },
      ],
      devices: [
        {
          name: 'A1',
          pack_id: 'appium-uiautomator2',
          platform_id: 'android_mobile',
          identity_value: 'AND-001',
          os_version: '14',
          tags: { team: 'qa', rack: 'A1' },
          config: { app_username: 'qa-bot', appium_caps: { 'appium:noReset': true, 'appium:systemPort': 1 } },
          test_data: { account: { user: 'a1' } },
        },
        {
          name: 'A2',
          pack_id: 'appium-uiautomator2',
          platform_id: 'android_mobile',
          identity_value: 'AND-002',
          os_version: '13',
        },
        {
          name: 'F1',
          pack_id: 'appium-uiautomator2',
          platform_id: 'firetv_real',
          identity_value: 'FTV-001',
          connection_target: '192.0.2.50:5555',
          connection_type: 'network',
          os_version: '8.1.0.9',
        },
      ],
      settings,
    },
    'tiny.yaml',
  );
}
