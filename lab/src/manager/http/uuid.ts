/** UUID parsing with the error texts of pydantic-core (Rust `uuid` crate) for `uuid_parsing` issues. */

const HEX = /^[0-9a-fA-F]$/;

/** Result of parsing: the canonical lowercase hyphenated form, or the parser's error text. */
export type UuidParse = { ok: true; value: string } | { ok: false; error: string };

/** Parses simple (32 hex), hyphenated, braced or `urn:uuid:` forms like pydantic does. */
export function parseUuid(input: string): UuidParse {
  let body = input;
  let offset = 0;
  let simple = true;
  if (input.length === 38 && input.startsWith('{') && input.endsWith('}')) {
    body = input.slice(1, -1);
  } else if (input.length === 45 && input.startsWith('urn:uuid:')) {
    body = input.slice(9);
  }
  if (body.length === 32 && [...body].every((c) => HEX.test(c))) return { ok: true, value: hyphenate(body) };
  if (
    body.length === 36 &&
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(body)
  ) {
    return { ok: true, value: body.toLowerCase() };
  }
  // Slow path: explain why, the way the uuid crate does.
  if (input.startsWith('{') && input.endsWith('}') && input.length >= 2) {
    body = input.slice(1, -1);
    offset = 1;
    simple = false;
  } else if (input.startsWith('urn:uuid:')) {
    body = input.slice(9);
    offset = 9;
    simple = false;
  } else {
    body = input;
  }
  let hyphens = 0;
  const bounds: number[] = [];
  let index = 0;
  for (const ch of body) {
    if (ch === '-') {
      if (hyphens < 4) bounds.push(index);
      hyphens++;
    } else if (!HEX.test(ch)) {
      return { ok: false, error: `invalid character: found \`${ch}\` at ${index + offset + 1}` };
    }
    index += Buffer.byteLength(ch);
  }
  if (hyphens === 0 && simple) {
    return {
      ok: false,
      error: `invalid length: expected length 32 for simple format, found ${Buffer.byteLength(input)}`,
    };
  }
  if (hyphens !== 4) return { ok: false, error: `invalid group count: expected 5, found ${hyphens + 1}` };
  const starts = [0, 9, 14, 19, 24];
  const expected = [8, 4, 4, 4, 12];
  for (let i = 0; i < 4; i++) {
    const start = starts[i] ?? 0;
    if (bounds[i] !== (starts[i + 1] ?? 0) - 1) {
      return {
        ok: false,
        error: `invalid group length in group ${i}: expected ${expected[i]}, found ${(bounds[i] ?? 0) - start}`,
      };
    }
  }
  return {
    ok: false,
    error: `invalid group length in group 4: expected 12, found ${Buffer.byteLength(body) - 24}`,
  };
}

function hyphenate(hex: string): string {
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
