/** Wire formatting the manager uses: timestamps, JSONB key order, compact JSON. */

function parts(ms: number): { base: string; micros: number } {
  const totalMicros = Math.round(ms * 1000);
  const wholeMs = Math.floor(totalMicros / 1_000_000) * 1000;
  const micros = totalMicros - wholeMs * 1000;
  return { base: new Date(wholeMs).toISOString().slice(0, 19), micros };
}

function format(ms: number, suffix: string): string {
  const { base, micros } = parts(ms);
  // Python's isoformat() drops the fraction when it is zero.
  return micros === 0 ? `${base}${suffix}` : `${base}.${String(micros).padStart(6, '0')}${suffix}`;
}

/** Datetime field of a response model: `2026-05-11T14:02:07.512331Z`. */
export function isoZ(ms: number): string {
  return format(ms, 'Z');
}

/** Pre-formatted string field (claimed_at, excluded_at, ...): `2026-05-11T14:02:07.512331+00:00`. */
export function isoOffset(ms: number): string {
  return format(ms, '+00:00');
}

/** `isoZ` that passes null through. */
export function isoZOrNull(ms: number | null): string | null {
  return ms === null ? null : isoZ(ms);
}

/** `isoOffset` that passes null through. */
export function isoOffsetOrNull(ms: number | null): string | null {
  return ms === null ? null : isoOffset(ms);
}

/**
 * Re-orders object keys the way PostgreSQL JSONB stores them (shorter keys first, then bytewise),
 * recursively: stored JSON objects come back in this order, not in the order sent.
 */
export function jsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonbOrder);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort(([a], [b]) => {
    const la = Buffer.byteLength(a);
    const lb = Buffer.byteLength(b);
    if (la !== lb) return la - lb;
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  });
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = jsonbOrder(v);
  return out;
}

/**
 * Python `json.dumps` default text (`", "` / `": "` separators, non-ASCII escaped as `\uXXXX`):
 * what the manager measures for the test_data size limit.
 */
export function pythonJsonDumps(value: unknown, sortKeys = false, compact = false): string {
  const sep = compact ? ',' : ', ';
  const kv = compact ? ':' : ': ';
  const enc = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') return pyNumber(v);
    if (typeof v === 'string') return pyString(v);
    if (Array.isArray(v)) return `[${v.map(enc).join(sep)}]`;
    const keys = Object.keys(v as object);
    if (sortKeys) keys.sort();
    return `{${keys.map((k) => `${pyString(k)}${kv}${enc((v as Record<string, unknown>)[k])}`).join(sep)}}`;
  };
  return enc(value);
}

function pyNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const s = String(n);
  // Python writes floats like 1e+16 as 1e+16 and 0.1 as 0.1; JS agrees except it has no ".0".
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function pyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (code > 0x7f && code <= 0xffff))
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code > 0xffff) {
      const v = code - 0x10000;
      out += `\\u${(0xd800 + (v >> 10)).toString(16)}\\u${(0xdc00 + (v & 0x3ff)).toString(16)}`;
    } else out += ch;
  }
  return `${out}"`;
}
