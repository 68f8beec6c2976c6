import path from 'node:path';
import { type Envelope, envelopeType } from '../../../src/cli/message_stream';
import { CUCUMBER_BIN } from '../../cucumber/support/cucumber_fixture';
import { runProcess } from '../../support/run_process';

type Json = Record<string, unknown>;

/** The envelopes of one type, as their message bodies. */
export function messagesOf(envelopes: readonly Envelope[], type: string): Json[] {
  return envelopes.filter((e) => envelopeType(e) === type).map((e) => e[type] as Json);
}

function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) for (const item of value) walk(item, visit);
  else if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) {
      visit(key, child);
      walk(child, visit);
    }
}

/**
 * Checks a message stream the way a consumer reads it: every id is defined once, and every reference
 * (`…Id`, `…Ids`, except a worker's number) names an id defined in the stream. Returns the problems.
 */
export function danglingReferences(envelopes: readonly Envelope[]): string[] {
  const defined = new Map<string, number>();
  for (const envelope of envelopes)
    walk(envelope, (key, value) => {
      if (key === 'id' && typeof value === 'string') defined.set(value, (defined.get(value) ?? 0) + 1);
    });
  const problems = [...defined].filter(([, n]) => n > 1).map(([id, n]) => `id ${id} defined ${n} times`);
  for (const envelope of envelopes)
    walk(envelope, (key, value) => {
      if (key === 'workerId' || key === 'id') return;
      const refs = key.endsWith('Ids') && Array.isArray(value) ? value : key.endsWith('Id') ? [value] : [];
      for (const ref of refs)
        if (typeof ref === 'string' && !defined.has(ref))
          problems.push(`${envelopeType(envelope)}.${key} → ${ref} is not defined`);
    });
  return problems;
}

const RANK = ['UNKNOWN', 'PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

/**
 * Each test case's scenario name and final status (worst step status of its last attempt), read from the
 * stream alone, sorted by name; also the media types of its attachments.
 */
export function scenarioResults(
  envelopes: readonly Envelope[],
): Array<{ name: string; status: string; attachments: string[] }> {
  const pickles = new Map(messagesOf(envelopes, 'pickle').map((p) => [p.id as string, p]));
  const testCases = new Map(messagesOf(envelopes, 'testCase').map((t) => [t.id as string, t]));
  const started = new Map(messagesOf(envelopes, 'testCaseStarted').map((s) => [s.id as string, s]));
  const last = new Map<string, { status: string; attachments: string[]; attempt: number }>();
  const of = (startedId: string) => {
    const s = started.get(startedId);
    const testCase = testCases.get(s?.testCaseId as string);
    const name = pickles.get(testCase?.pickleId as string)?.name as string | undefined;
    return { name: name ?? `?${startedId}`, attempt: (s?.attempt as number) ?? 0 };
  };
  for (const s of messagesOf(envelopes, 'testCaseStarted')) {
    const { name, attempt } = of(s.id as string);
    const prior = last.get(name);
    if (!prior || attempt >= prior.attempt) last.set(name, { status: 'UNKNOWN', attachments: [], attempt });
  }
  const current = (startedId: string) => {
    const { name, attempt } = of(startedId);
    const entry = last.get(name);
    return entry && entry.attempt === attempt ? entry : undefined;
  };
  for (const f of messagesOf(envelopes, 'testStepFinished')) {
    const entry = current(f.testCaseStartedId as string);
    const status = (f.testStepResult as Json).status as string;
    if (entry && RANK.indexOf(status) > RANK.indexOf(entry.status)) entry.status = status;
  }
  for (const a of messagesOf(envelopes, 'attachment')) {
    if (typeof a.testCaseStartedId === 'string')
      current(a.testCaseStartedId)?.attachments.push(a.mediaType as string);
  }
  return [...last]
    .map(([name, r]) => ({ name, status: r.status, attachments: r.attachments.sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs the real cucumber-js CLI in `cwd` with `args` (no gridfleet registration involved). */
export async function runCucumber(
  cwd: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runProcess(process.execPath, [CUCUMBER_BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, FORCE_COLOR: '0' },
  });
  return { code, stdout, stderr };
}

/** `reports/messages-shard-N.ndjson` of a project dir. */
export const shardFile = (dir: string, n: number): string =>
  path.join(dir, 'reports', `messages-shard-${n}.ndjson`);
