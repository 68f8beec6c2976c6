import { type Envelope, envelopeType, MessageStreamError } from './message_stream';

/** One shard's message stream and the name used for it in messages (its file). */
export interface ShardMessages {
  /** Name of the shard in messages, normally its file. */
  name: string;
  /** Its envelopes, in order. */
  envelopes: readonly Envelope[];
}

/** The merged stream and what it holds. */
export interface MergedMessages {
  /** One valid message stream: `meta`, the suite, one `testRunStarted`, every shard's test cases, one `testRunFinished`. */
  envelopes: Envelope[];
  /** Pickles (scenarios) of the merged suite. */
  pickles: number;
  /** Test cases run, summed over the shards. */
  testCases: number;
  /** `testRunFinished.success` of the merged run: every shard finished and succeeded. */
  success: boolean;
  /** Things the merge tolerated but a reader should know (a shard that never finished, other versions). */
  warnings: string[];
}

type Json = Record<string, unknown>;
type Timestamp = { seconds: number; nanos: number };

// Definitions of the suite that every shard emits again under its own random ids (cucumber-js 13 uses
// IdGenerator.uuid() per process): merged by what they are, not by id.
const SUITE_TYPES = new Set([
  'source',
  'gherkinDocument',
  'pickle',
  'stepDefinition',
  'hook',
  'parameterType',
  'undefinedParameterType',
  'parseError',
  'suggestion',
]);

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const body = (envelope: Envelope): Json => envelope[envelopeType(envelope)] as Json;

/** Every `id` value of a message, depth first (the ids a message defines). */
function definedIds(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) definedIds(item, out);
  else if (isRecord(value))
    for (const [key, child] of Object.entries(value)) {
      if (key === 'id' && typeof child === 'string') out.push(child);
      else definedIds(child, out);
    }
  return out;
}

// `workerId` is a worker's number within its own process, not a message id.
const isIdKey = (key: string): boolean => key === 'id' || (key.endsWith('Id') && key !== 'workerId');

/** A copy of `value` with every id and id reference (`id`, `…Id`, `…Ids`) passed through `map`. */
function rekey(value: unknown, map: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rekey(item, map));
  if (!isRecord(value)) return value;
  const copy: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' && isIdKey(key)) copy[key] = map.get(child) ?? child;
    else if (Array.isArray(child) && key.endsWith('Ids'))
      copy[key] = child.map((id) => (typeof id === 'string' ? (map.get(id) ?? id) : id));
    else copy[key] = rekey(child, map);
  }
  return copy;
}

const ref = (source: unknown): string => {
  const s = isRecord(source) ? source : {};
  const location = isRecord(s.location) ? s.location : {};
  return `${String(s.uri ?? '')}:${String(location.line ?? '')}:${String(location.column ?? '')}`;
};

/** What a suite definition is, independent of the ids its process gave it (null: identify by id only). */
function suiteKey(type: string, message: Json, map: ReadonlyMap<string, string>): string {
  switch (type) {
    case 'source':
    case 'gherkinDocument':
      return `${type}|${String(message.uri)}`;
    case 'pickle': {
      // Scenario (and example row) nodes, already mapped onto the first shard's gherkin ids.
      const nodes = Array.isArray(message.astNodeIds) ? message.astNodeIds : [];
      return `pickle|${String(message.uri)}|${nodes.map((id) => map.get(String(id)) ?? id).join(',')}`;
    }
    case 'stepDefinition': {
      const pattern = isRecord(message.pattern) ? message.pattern : {};
      return `stepDefinition|${String(pattern.type)}|${String(pattern.source)}|${ref(message.sourceReference)}`;
    }
    case 'hook':
      return `hook|${String(message.type)}|${String(message.name ?? '')}|${String(message.tagExpression ?? '')}|${ref(message.sourceReference)}`;
    case 'parameterType':
      return `parameterType|${String(message.name)}`;
    case 'suggestion': {
      const { id: _id, pickleStepId, ...rest } = message;
      return `suggestion|${map.get(String(pickleStepId)) ?? String(pickleStepId)}|${JSON.stringify(rest)}`;
    }
    default:
      // No ids of their own: identical messages are the same message.
      return `${type}|${JSON.stringify(message)}`;
  }
}

const toNanos = (t: unknown): bigint => {
  const ts = (isRecord(t) ? t : {}) as Partial<Timestamp>;
  return BigInt(Math.trunc(ts.seconds ?? 0)) * 1_000_000_000n + BigInt(Math.trunc(ts.nanos ?? 0));
};

/**
 * Merges the `message` streams of the shards of one cucumber run into one stream, as if one process had
 * run every shard's test cases: one `meta` (the first shard's), the suite's sources, gherkin documents,
 * pickles, step definitions, hooks and parameter types once each (matched by what they are, because
 * every process gives them new random ids; the other shards' references are re-keyed onto the first
 * one's), every shard's test cases with their steps, results and attachments, one `testRunStarted` (the
 * earliest) and one `testRunFinished` (the latest; `success` only when every shard finished and
 * succeeded). Ids a shard defines for its own test cases are kept, or re-keyed if another shard already
 * used them.
 *
 * @throws MessageStreamError when two shards carry different text for the same feature file (shards of
 *   different suites, or files changed between the shards' runs), or the same file is passed twice.
 */
export function mergeMessageStreams(shards: readonly ShardMessages[]): MergedMessages {
  if (shards.length === 0) throw new MessageStreamError('no message streams to merge.');
  const warnings: string[] = [];
  const used = new Set<string>();
  const suite: Envelope[] = [];
  // Suite definitions by key, with the ids the merged stream uses for them.
  const known = new Map<string, { message: Json; shard: string; ids: string[] }>();
  const events: Envelope[] = [];
  let meta: Envelope | undefined;
  let runId: string | undefined;
  let started: { timestamp: unknown } | undefined;
  const finishes: Array<{ message: Json; shard: string }> = [];
  const runIds = new Map<string, string>();

  for (const [index, shard] of shards.entries()) {
    const map = new Map<string, string>();
    // Ids this shard defines that nothing earlier matched: keep them unless an earlier shard used them.
    const define = (ids: readonly string[]) => {
      for (const id of ids) {
        if (map.has(id)) continue;
        const fresh = used.has(id) ? `${id}-shard${index + 1}` : id;
        map.set(id, fresh);
        used.add(fresh);
      }
    };
    const own: Envelope[] = [];
    const occurrences = new Map<string, number>();
    let shardStarted = false;
    for (const envelope of shard.envelopes) {
      const type = envelopeType(envelope);
      const message = body(envelope);
      if (type === 'meta') {
        if (meta === undefined) meta = envelope;
        else {
          const version = (m: Envelope) => JSON.stringify((body(m).implementation as Json | undefined) ?? {});
          if (version(meta) !== version(envelope))
            warnings.push(
              `${shard.name} was written by ${version(envelope)}, the first shard by ${version(meta)}.`,
            );
        }
        continue;
      }
      if (type === 'testRunStarted') {
        const id = typeof message.id === 'string' ? message.id : undefined;
        if (id !== undefined && runIds.has(id)) {
          throw new MessageStreamError(
            `${shard.name} and ${runIds.get(id)} hold the same run (testRunStarted id ${id}); pass each shard's file once.`,
          );
        }
        if (id !== undefined) runIds.set(id, shard.name);
        shardStarted = true;
        if (runId === undefined) runId = id ?? 'merged-run';
        if (id !== undefined) map.set(id, runId);
        used.add(runId);
        if (started === undefined || toNanos(message.timestamp) < toNanos(started.timestamp))
          started = { timestamp: message.timestamp };
        continue;
      }
      if (type === 'testRunFinished') {
        finishes.push({ message, shard: shard.name });
        continue;
      }
      if (!SUITE_TYPES.has(type)) {
        define(definedIds(message));
        own.push(envelope);
        continue;
      }
      // Two hooks registered on one line (a loop) are two hooks: count occurrences within the shard.
      const base = suiteKey(type, message, map);
      const nth = (occurrences.get(base) ?? 0) + 1;
      occurrences.set(base, nth);
      const key = `${base}#${nth}`;
      const first = known.get(key);
      if (first === undefined) {
        const ids = definedIds(message);
        define(ids);
        known.set(key, { message, shard: shard.name, ids: ids.map((id) => map.get(id) ?? id) });
        own.push(envelope);
        continue;
      }
      if (type === 'source' && first.message.data !== message.data) {
        throw new MessageStreamError(
          `${String(message.uri)} differs between ${first.shard} and ${shard.name}: these are shards of different suites ` +
            '(or the file changed between their runs); merge only the shards of one run of one commit.',
        );
      }
      // The same definition again: this shard's ids for it (and for the nodes inside it) are the first's.
      const mine = definedIds(message);
      if (mine.length !== first.ids.length) {
        throw new MessageStreamError(
          `${shard.name} and ${first.shard} describe ${key.split('|').slice(0, 2).join(' ')} differently; merge only the shards of one run.`,
        );
      }
      for (const [i, id] of mine.entries()) map.set(id, first.ids[i] ?? id);
    }
    if (!shardStarted)
      warnings.push(`${shard.name} has no testRunStarted message: the shard never started its run.`);
    if (!finishes.some((f) => f.shard === shard.name))
      warnings.push(
        `${shard.name} has no testRunFinished message: the shard did not finish (killed?), so its results are incomplete.`,
      );
    for (const envelope of own) {
      const type = envelopeType(envelope);
      const rekeyed = { [type]: rekey(body(envelope), map) } as Envelope;
      (SUITE_TYPES.has(type) ? suite : events).push(rekeyed);
    }
  }

  const finishedLast = finishes.reduce<Json | undefined>(
    (last, f) =>
      last === undefined || toNanos(f.message.timestamp) > toNanos(last.timestamp) ? f.message : last,
    undefined,
  );
  const success = finishes.length === shards.length && finishes.every((f) => f.message.success === true);
  const failed = finishes.filter((f) => f.message.success !== true || f.message.exception !== undefined);
  const finished: Json = {
    ...(runId === undefined ? {} : { testRunStartedId: runId }),
    timestamp: finishedLast?.timestamp ?? started?.timestamp ?? { seconds: 0, nanos: 0 },
    success,
  };
  const reasons = failed
    .map((f) => (typeof f.message.message === 'string' ? `${f.shard}: ${f.message.message}` : undefined))
    .filter((m): m is string => m !== undefined);
  if (reasons.length > 0) finished.message = reasons.join('\n');
  const exception = failed.find((f) => f.message.exception !== undefined)?.message.exception;
  if (exception !== undefined) finished.exception = exception;

  const envelopes: Envelope[] = [
    ...(meta ? [meta] : []),
    ...suite,
    ...(started
      ? [{ testRunStarted: { ...(runId ? { id: runId } : {}), timestamp: started.timestamp } }]
      : []),
    ...events,
    { testRunFinished: finished },
  ];
  return {
    envelopes,
    pickles: suite.filter((e) => envelopeType(e) === 'pickle').length,
    testCases: events.filter((e) => envelopeType(e) === 'testCase').length,
    success,
    warnings,
  };
}
