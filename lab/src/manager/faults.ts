/** Fault injection for the lab's API routes: errors, latency, dropped connections, malformed JSON. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

const faultSpecSchema = z
  .strictObject({
    method: z.string().min(1).default('*'),
    path: z.string().min(1, 'path is required, e.g. "/api/runs/*/claim" or "/^\\/api\\/runs/"'),
    status: z.number().int().min(100).max(599).optional(),
    latency_ms: z.number().min(0).max(600_000).optional(),
    drop: z.boolean().default(false),
    malformed: z.boolean().default(false),
    applied: z.boolean().default(false),
    message: z.string().optional(),
    code: z.string().optional(),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    times: z.number().int().min(1).optional(),
    probability: z.number().min(0).max(1).optional(),
  })
  .refine((f) => f.status !== undefined || f.latency_ms !== undefined || f.drop || f.malformed, {
    message: 'a fault needs at least one of status, latency_ms, drop or malformed',
  })
  .refine((f) => !f.applied || f.status !== undefined || f.drop || f.malformed, {
    message: 'applied: true needs status, drop or malformed (the answer that replaces the real one)',
  });

/** A fault as posted to `POST /lab/faults`. */
export type FaultSpec = z.input<typeof faultSpecSchema>;

/** A registered fault. */
export interface Fault extends z.output<typeof faultSpecSchema> {
  id: string;
  /** How often it fired. */
  hits: number;
}

/** Thrown for an invalid fault spec (the message names the field). */
export class FaultSpecError extends Error {}

/** `*` = one path segment's characters, `**` = anything; `/.../` = a regular expression. */
export function pathMatcher(pattern: string): RegExp {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      return new RegExp(pattern.slice(1, -1));
    } catch (err) {
      throw new FaultSpecError(`path: invalid regular expression (${(err as Error).message})`);
    }
  }
  const glob = pattern
    .split('**')
    .map((part) =>
      part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]'),
    )
    .join('.*');
  return new RegExp(`^${glob}$`);
}

/** The registered faults; `match` consumes `times` and rolls `probability`. */
export class FaultInjector {
  private faults: (Fault & { matcher: RegExp })[] = [];

  /** Validates and registers a fault. */
  add(spec: unknown): Fault {
    const parsed = faultSpecSchema.safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FaultSpecError(`${issue?.path.join('.') || 'fault'}: ${issue?.message ?? 'invalid'}`);
    }
    const fault = { ...parsed.data, method: parsed.data.method.toUpperCase(), id: randomUUID(), hits: 0 };
    this.faults.push({ ...fault, matcher: pathMatcher(fault.path) });
    return fault;
  }

  /** All faults (without their compiled matcher). */
  list(): Fault[] {
    return this.faults.map(({ matcher: _m, ...f }) => f);
  }

  /** Removes one fault (true when it existed) or, without id, all of them. */
  remove(id?: string): boolean {
    const before = this.faults.length;
    this.faults = id ? this.faults.filter((f) => f.id !== id) : [];
    return this.faults.length < before;
  }

  /** The first fault that fires for this request, if any. */
  match(method: string, path: string): Fault | undefined {
    for (const f of this.faults) {
      if (f.method !== '*' && f.method !== method) continue;
      if (!f.matcher.test(path)) continue;
      if (f.probability !== undefined && Math.random() >= f.probability) continue;
      f.hits++;
      if (f.times !== undefined) {
        f.times--;
        if (f.times <= 0) this.faults = this.faults.filter((x) => x !== f);
      }
      const { matcher: _m, ...copy } = f;
      return copy;
    }
    return undefined;
  }
}

const FAULT_MESSAGES: Record<number, [string, string]> = {
  401: ['UNAUTHORIZED', 'Authentication is required'],
  403: ['FORBIDDEN', 'A valid CSRF token is required'],
  404: ['NOT_FOUND', 'Not found'],
  409: ['CONFLICT', 'Conflict'],
  422: ['VALIDATION_ERROR', 'Request failed'],
  500: ['INTERNAL_ERROR', 'An unexpected error occurred'],
  502: ['AGENT_UNREACHABLE', 'Agent unreachable'],
  503: ['SHUTTING_DOWN', 'The backend is shutting down and not accepting new requests'],
  504: ['REQUEST_TIMEOUT', 'The request exceeded the maximum execution time'],
};

/** The envelope a faulted response carries (realistic for its status). */
export function faultBody(fault: Fault, requestId: string): unknown {
  if (fault.body !== undefined) return fault.body;
  const [code, message] = FAULT_MESSAGES[fault.status ?? 500] ?? ['HTTP_ERROR', 'Injected fault'];
  return { error: { code: fault.code ?? code, message: fault.message ?? message, request_id: requestId } };
}
