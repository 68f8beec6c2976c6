import { readFileSync } from 'node:fs';
import { GridFleetError } from '../client/errors';

/**
 * One cucumber message envelope (`@cucumber/messages` `Envelope`): an object with exactly one key naming
 * the message type. Kept as plain JSON here: the merge only needs the type and the id fields, and
 * everything else must pass through untouched.
 */
export type Envelope = Record<string, unknown>;

/** The message types of `@cucumber/messages` 34 (the protocol cucumber-js 13 writes). */
const MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'attachment',
  'externalAttachment',
  'gherkinDocument',
  'hook',
  'meta',
  'parameterType',
  'parseError',
  'pickle',
  'suggestion',
  'source',
  'stepDefinition',
  'testCase',
  'testCaseFinished',
  'testCaseStarted',
  'testRunFinished',
  'testRunStarted',
  'testStepFinished',
  'testStepStarted',
  'testRunHookStarted',
  'testRunHookFinished',
  'undefinedParameterType',
]);

/** A message stream that cannot be used, with the file and line that shows it. */
export class MessageStreamError extends GridFleetError {
  override name = 'MessageStreamError';
}

/** The message type of an envelope (its one key). */
export function envelopeType(envelope: Envelope): string {
  return Object.keys(envelope)[0] ?? '';
}

const HOW_TO_FIX = 'pass the files cucumber-js wrote with --format message:FILE';

/**
 * Parses the text of one `message` formatter output (NDJSON, one envelope per line) and checks that it is
 * one: every non-blank line a JSON object with exactly one known message type, and a `meta` envelope.
 *
 * @param text - file content.
 * @param file - name used in error messages.
 * @throws MessageStreamError naming the file and line of the first line that is not an envelope.
 */
export function parseMessageStream(text: string, file: string): Envelope[] {
  const envelopes: Envelope[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const where = `${file} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const start = line.length > 40 ? `${line.slice(0, 40)}…` : line;
      throw new MessageStreamError(
        `${where} is not JSON ("${start}"), so ${file} is not a cucumber message stream; ${HOW_TO_FIX}.`,
      );
    }
    const keys =
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    const [type] = keys;
    if (keys.length !== 1 || type === undefined || !MESSAGE_TYPES.has(type)) {
      const found = keys.length === 0 ? JSON.stringify(value)?.slice(0, 40) : `keys ${keys.join(', ')}`;
      throw new MessageStreamError(
        `${where} is not a cucumber message envelope (found ${found}; expected one key such as "pickle" or "testCase"); ${HOW_TO_FIX}.`,
      );
    }
    envelopes.push(value as Envelope);
  }
  if (envelopes.length === 0) {
    throw new MessageStreamError(`${file} is empty; ${HOW_TO_FIX} (did the shard run at all?).`);
  }
  if (envelopeType(envelopes[0] as Envelope) !== 'meta') {
    throw new MessageStreamError(
      `${file} line 1 is a "${envelopeType(envelopes[0] as Envelope)}" message, but a cucumber message stream starts with "meta"; ${HOW_TO_FIX} (not a part of one).`,
    );
  }
  return envelopes;
}

/** Reads and checks one `message` formatter output file (see {@link parseMessageStream}). */
export function readMessageFile(file: string): Envelope[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MessageStreamError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parseMessageStream(text, file);
}
