/** Options of the router simulator, validated at the boundary. */
import { z } from 'zod';

/** Everything {@link startRouter} accepts; every timing has the real router's default. */
export const routerOptionsSchema = z.object({
  /** Port to listen on (0 = a free one). */
  port: z.number().int().min(0).max(65535).default(0),
  /** Address to bind. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Manager base URL without `/api`, e.g. `http://127.0.0.1:8000` (the internal API is at `/internal/grid`). */
  managerUrl: z.url({
    protocol: /^https?$/,
    error: 'managerUrl must be an http(s) URL such as http://127.0.0.1:8000',
  }),
  /** Basic credentials for the manager (`--backend-auth user:pass`). */
  auth: z.object({ username: z.string(), password: z.string() }).optional(),
  /** Overall cap of one new-session request (`--new-session-timeout`, 330 s). */
  newSessionTimeoutSec: z.number().positive().default(330),
  /** Per-command upstream timeout (`--proxy-timeout`, 300 s). */
  proxyTimeoutSec: z.number().positive().default(300),
  /** How often the route map is rebuilt from `GET /internal/grid/routes`. */
  routesRefreshMs: z.number().int().positive().default(1_000),
  /** How often command activity is flushed to `POST /internal/grid/activity`. */
  activityFlushMs: z.number().int().positive().default(10_000),
  /** TCP connect timeout towards Appium. */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** HTTP timeout of one `create-session` call. */
  createCallTimeoutMs: z.number().int().positive().default(280_000),
  /** Pause before re-calling `create-session` after a 5xx, a transport error or an unreadable 200. */
  retryPauseMs: z.number().int().min(0).default(2_000),
  /** Receives one log line at a time (default: silent). */
  log: z.custom<(line: string) => void>((v) => typeof v === 'function').optional(),
});

/** Input of {@link startRouter}. */
export type RouterOptions = z.input<typeof routerOptionsSchema>;

/** Options with every default filled in. */
export type ResolvedRouterOptions = z.output<typeof routerOptionsSchema>;

/** Validates router options, naming every bad field. */
export function resolveRouterOptions(options: RouterOptions): ResolvedRouterOptions {
  const parsed = routerOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new Error(`Invalid router options: ${problems.join('; ')}.`);
}
