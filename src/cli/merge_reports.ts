import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type MergedMessages, mergeMessageStreams } from './merge_messages';
import { type Envelope, readMessageFile } from './message_stream';

/** Reads the shards' `message` files (checked one by one) and merges them (see {@link mergeMessageStreams}). */
export function mergeMessageFiles(inputs: readonly string[]): MergedMessages {
  return mergeMessageStreams(inputs.map((file) => ({ name: file, envelopes: readMessageFile(file) })));
}

function prepare(output: string): void {
  mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
}

/** Writes envelopes as one NDJSON message stream, the format of cucumber-js `--format message:FILE`. */
export async function writeMessageFile(envelopes: readonly Envelope[], output: string): Promise<void> {
  prepare(output);
  await pipeline(
    Readable.from(envelopes.map((envelope) => `${JSON.stringify(envelope)}\n`)),
    createWriteStream(output),
  );
}

/**
 * Renders envelopes with cucumber's own HTML renderer (`@cucumber/html-formatter`, the one behind
 * cucumber-js `--format html:FILE`): the page embeds the envelopes and draws the report from them.
 */
export async function writeHtmlReport(envelopes: readonly Envelope[], output: string): Promise<void> {
  // An ES module: loaded with import(), which the CommonJS build keeps as a real dynamic import.
  const { CucumberHtmlStream } = await import('@cucumber/html-formatter');
  prepare(output);
  await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(output));
}
