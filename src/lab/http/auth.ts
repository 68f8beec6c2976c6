/** The manager's machine (HTTP Basic) authentication as the lab checks it. */
import { timingSafeEqual } from 'node:crypto';
import type { LabSettings } from '../lab_file';

const OPEN_API_PATHS = new Set(['/api/health', '/api/auth/login', '/api/auth/session']);

/** Whether a path is behind the manager's machine auth (when auth is on). */
export function isProtected(path: string): boolean {
  if (OPEN_API_PATHS.has(path)) return false;
  return (
    path.startsWith('/api/') ||
    path === '/api' ||
    path.startsWith('/agent/') ||
    path.startsWith('/internal/') ||
    path.startsWith('/docs') ||
    path.startsWith('/redoc') ||
    path === '/metrics' ||
    path === '/openapi.json'
  );
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The machine user of a valid Basic header, or null. */
export function basicUser(header: string | undefined, settings: LabSettings): string | null {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return null;
  const user = decoded.slice(0, sep);
  const pass = decoded.slice(sep + 1);
  return safeEqual(user, settings.auth.username) && safeEqual(pass, settings.auth.password) ? user : null;
}
