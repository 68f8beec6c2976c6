import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors';

/** Host every stack server binds to. */
export const STACK_HOST = '127.0.0.1';

/** Resolves `true` when nothing listens on `port` of `host` (checked by binding it briefly). */
export function isPortFree(port: number, host: string = STACK_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Asks the OS for a port that is free right now on `host`. */
export function freePort(host: string = STACK_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS returned no port'))));
    });
  });
}

/** One port the stack needs, with what uses it for the error message. */
export interface PortClaim {
  /** What listens there, e.g. `Selenium Grid`. */
  readonly what: string;
  /** The port number. */
  readonly port: number;
  /** Default port of that piece, for the message. */
  readonly defaultPort: number;
  /** CLI flag that changes it, for the message. */
  readonly flag: string;
}

/**
 * Fails fast when any of the ports is taken or two pieces were given the same port.
 *
 * @throws StackError naming the port, what uses it by default and how to pick another one.
 */
export async function assertPortsFree(
  claims: readonly PortClaim[],
  host: string = STACK_HOST,
): Promise<void> {
  const seen = new Map<number, string>();
  for (const claim of claims) {
    const other = seen.get(claim.port);
    if (other) {
      throw new StackError(
        `Port ${claim.port} was given to both ${other} and ${claim.what}; give each a different port (or 0 for a free one).`,
      );
    }
    seen.set(claim.port, claim.what);
  }
  const taken = [];
  for (const claim of claims) {
    if (!(await isPortFree(claim.port, host))) taken.push(claim);
  }
  if (taken.length > 0) {
    const lines = taken.map(
      (c) =>
        `port ${c.port} on ${host} (${c.what}; default ${c.defaultPort}) is already in use — stop what listens there ` +
        `(\`npm run lab:down\` if it is an earlier stack) or choose another with ${c.flag} (0 or auto = a free port)`,
    );
    throw new StackError(`Cannot start the local stack: ${lines.join('; ')}.`);
  }
}

/** Waits (up to `timeoutMs`) until every port is bindable again; resolves the ports still taken. */
export async function waitForPortsFree(
  ports: readonly number[],
  timeoutMs: number,
  host: string = STACK_HOST,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const taken: number[] = [];
    for (const port of ports) if (!(await isPortFree(port, host))) taken.push(port);
    if (taken.length === 0 || Date.now() >= deadline) return taken;
    await sleep(50);
  }
}
