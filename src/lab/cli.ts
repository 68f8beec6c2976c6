#!/usr/bin/env node
/**
 * `gridfleet-lab`: runs the GridFleet manager simulator until SIGINT/SIGTERM.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { LabFileError } from './lab_file';
import { startLab } from './server';

const USAGE = `Usage: gridfleet-lab [--lab FILE] [--port N] [--host H] [--lifecycle claim-era|target]
                     [--generation claim|router]

Runs a GridFleet manager simulator speaking the manager's HTTP API under /api.

Options:
  --lab FILE        lab file (.yaml, .yml or .json); default: the bundled demo lab
  --port N          port to listen on (default 8000; 0 = a free port)
  --host H          interface to bind (default 127.0.0.1)
  --lifecycle L     claim-era (default) or target, overriding the lab file's setting
  --generation G    claim (default) or router: which manager generation the lab answers as
  -h, --help        show this help

Test-only admin routes live under /lab/ (see src/lab/README.md).`;

function fail(message: string, code: number): never {
  process.stderr.write(`gridfleet-lab: ${message}\n`);
  process.exit(code);
}

/** Parses argv, starts the lab and wires signal handling. */
export async function main(argv: string[]): Promise<void> {
  let values: {
    lab?: string;
    port?: string;
    host?: string;
    lifecycle?: string;
    generation?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        lab: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        lifecycle: { type: 'string' },
        generation: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 8000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be an integer from 0 to 65535 (got "${values.port}")`, 2);
  }
  const lifecycle = values.lifecycle;
  if (lifecycle !== undefined && lifecycle !== 'claim-era' && lifecycle !== 'target') {
    fail(`--lifecycle must be "claim-era" or "target" (got "${lifecycle}")`, 2);
  }
  const generation = values.generation;
  if (generation !== undefined && generation !== 'claim' && generation !== 'router') {
    fail(`--generation must be "claim" or "router" (got "${generation}")`, 2);
  }
  const host = values.host ?? '127.0.0.1';
  let lab: Awaited<ReturnType<typeof startLab>>;
  try {
    lab = await startLab({
      lab: values.lab,
      port,
      host,
      settings:
        lifecycle || generation
          ? { ...(lifecycle ? { lifecycle } : {}), ...(generation ? { generation } : {}) }
          : undefined,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      fail(
        `port ${port} on ${host} is already in use; stop what listens there or pick another with --port (0 = a free port)`,
        1,
      );
    }
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'EACCES')
      fail(`cannot listen on ${host}:${port} (${e.code})`, 1);
    if (err instanceof LabFileError) fail(err.message, 1);
    fail(e.message, 1);
  }
  process.stdout.write(`GridFleet lab listening on ${lab.url} (API: ${lab.apiUrl})\n`);
  process.stdout.write(`export GRIDFLEET_API_URL=${lab.apiUrl}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    lab.close().then(
      () => {
        process.stdout.write(`GridFleet lab stopped (${signal})\n`);
        process.exit(0);
      },
      (err) => fail(`error while stopping: ${(err as Error).message}`, 1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => fail((err as Error).message, 1));
}
