#!/usr/bin/env node
/**
 * CLI of the router simulator: `gridfleet-router --manager-url http://127.0.0.1:8000 --port 4444`.
 * Stays up until SIGINT/SIGTERM.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { startRouter } from './server';

const USAGE = `usage: gridfleet-router --manager-url URL [--port N] [--host ADDR] [--backend-auth USER:PASS]
                        [--new-session-timeout SEC] [--proxy-timeout SEC] [--quiet]
  --manager-url          manager base without /api (its internal grid API is at /internal/grid)
  --port                 listen port (default 4444; 0 = a free one)
  --backend-auth         Basic credentials for the manager (also GRIDFLEET_ROUTER_BACKEND_AUTH)
  --new-session-timeout  overall cap of one new-session request (default 330)
  --proxy-timeout        per-command upstream timeout (default 300)`;

function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value) || value < 0)
    throw new Error(`${flag} needs a number, got "${raw}"`);
  return value;
}

function parseAuth(raw: string | undefined): { username: string; password: string } | undefined {
  if (raw === undefined || raw === '') return undefined;
  const colon = raw.indexOf(':');
  if (colon <= 0)
    throw new Error('--backend-auth / GRIDFLEET_ROUTER_BACKEND_AUTH must look like user:password');
  return { username: raw.slice(0, colon), password: raw.slice(colon + 1) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'manager-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'backend-auth': { type: 'string' },
      'new-session-timeout': { type: 'string' },
      'proxy-timeout': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values['manager-url']) throw new Error('--manager-url is required');
  const router = await startRouter({
    managerUrl: values['manager-url'],
    port: numberFlag('--port', values.port) ?? 4444,
    host: values.host ?? '127.0.0.1',
    auth: parseAuth(values['backend-auth'] ?? process.env.GRIDFLEET_ROUTER_BACKEND_AUTH),
    newSessionTimeoutSec: numberFlag('--new-session-timeout', values['new-session-timeout']),
    proxyTimeoutSec: numberFlag('--proxy-timeout', values['proxy-timeout']),
    log: values.quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(
    `GridFleet router simulator listening on ${router.url} (manager ${values['manager-url']})\n`,
  );
  const stop = (): void => {
    void router.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`gridfleet-router: ${(err as Error).message}\n${USAGE}\n`);
  process.exit(1);
});
