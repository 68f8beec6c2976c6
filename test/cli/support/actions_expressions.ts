/**
 * The subset of GitHub Actions expressions (`${{ … }}`) a workflow in our docs may use, evaluated the way
 * the runner does: context lookups (`matrix.*`, `needs.<job>.outputs.*`, `needs.<job>.result`,
 * `steps.<id>.outputs.*`, `env.*`, `secrets.*`, `vars.*`), string/number/boolean literals, `==`, `!=`,
 * `!`, `&&`, `||` (which return an operand, so `c && 'a' || 'b'` is the ternary idiom), parentheses and
 * the status functions `success()`, `always()`, `failure()`, `cancelled()`. Anything else throws, so a doc
 * that starts using something this runner does not understand fails its test instead of drifting.
 */

/** A value of an expression. */
export type ExprValue = string | number | boolean | null | { [key: string]: ExprValue };

/** What an expression can see. */
export interface ExprContext {
  /** Named contexts: `matrix`, `needs`, `steps`, `env`, `secrets`, `vars`. */
  contexts: Record<string, { [key: string]: ExprValue }>;
  /** Result of the status functions: did every earlier step (or needed job) succeed? */
  succeeded: boolean;
}

type Token = { kind: 'str' | 'num' | 'id' | 'op'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:'((?:[^']|'')*)'|(\d+(?:\.\d+)?)|([A-Za-z_][\w-]*)|(==|!=|&&|\|\||[!().])|(\S))/gy;
  for (let m = re.exec(source); m !== null && m[0] !== ''; m = re.exec(source)) {
    if (m[1] !== undefined) tokens.push({ kind: 'str', text: m[1].replaceAll("''", "'") });
    else if (m[2] !== undefined) tokens.push({ kind: 'num', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'id', text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'op', text: m[4] });
    else throw new Error(`unsupported character "${m[5]}" in expression "${source}"`);
  }
  return tokens;
}

const truthy = (v: ExprValue): boolean => v !== null && v !== false && v !== 0 && v !== '';

/** GitHub's `==`: strings compare case-insensitively; numbers and strings coerce to numbers. */
function equals(a: ExprValue, b: ExprValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return Number(a) === Number(b);
}

/** Evaluates one expression (the text inside `${{ }}`, or an `if:` condition). */
export function evaluate(source: string, ctx: ExprContext): ExprValue {
  const tokens = tokenize(source);
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`unsupported expression "${source.trim()}": ${what}`);
  };
  const peek = () => tokens[pos];
  const take = (text?: string): Token => {
    const t = tokens[pos];
    if (t === undefined || (text !== undefined && t.text !== text))
      return fail(`expected ${text ?? 'more'} at token ${pos + 1}`);
    pos += 1;
    return t;
  };
  const primary = (): ExprValue => {
    const t = take();
    if (t.kind === 'str') return t.text;
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'op' && t.text === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t.kind === 'op' && t.text === '!') return !truthy(primary());
    if (t.kind !== 'id') return fail(`unexpected "${t.text}"`);
    if (t.text === 'true' || t.text === 'false') return t.text === 'true';
    if (t.text === 'null') return null;
    if (peek()?.text === '(') {
      if (!['always', 'success', 'failure', 'cancelled'].includes(t.text))
        return fail(`function ${t.text}() is not supported`);
      take('(');
      take(')');
      if (t.text === 'always') return true;
      if (t.text === 'success') return ctx.succeeded;
      if (t.text === 'failure') return !ctx.succeeded;
      return false; // cancelled(): a local run is never cancelled
    }
    const root = ctx.contexts[t.text];
    if (root === undefined) return fail(`unknown context "${t.text}"`);
    let value: ExprValue = root;
    const path = [t.text];
    while (peek()?.text === '.') {
      take('.');
      const key = take();
      if (key.kind !== 'id') return fail(`expected a property name after ${path.join('.')}`);
      path.push(key.text);
      if (value === null || typeof value !== 'object' || !(key.text in value)) {
        // Unknown secrets and vars are empty strings on GitHub; everything else is a typo in the doc.
        if (path.length === 2 && (path[0] === 'secrets' || path[0] === 'vars')) return '';
        return fail(`${path.join('.')} is not defined`);
      }
      value = value[key.text] as ExprValue;
    }
    return value;
  };
  const comparison = (): ExprValue => {
    let left = primary();
    while (peek()?.text === '==' || peek()?.text === '!=') {
      const op = take().text;
      const right = primary();
      left = op === '==' ? equals(left, right) : !equals(left, right);
    }
    return left;
  };
  const and = (): ExprValue => {
    let left = comparison();
    while (peek()?.text === '&&') {
      take();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): ExprValue => {
    let left = and();
    while (peek()?.text === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]?.text}"`);
  return value;
}

/** A value as the runner writes it into a string. */
export function asText(value: ExprValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Replaces every `${{ … }}` in `text` by its value. */
export function interpolate(text: string, ctx: ExprContext): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expr: string) => asText(evaluate(expr, ctx)));
}

/** An `if:` condition: a bare expression or one wrapped in `${{ }}`; status functions imply no `success()`. */
export function condition(text: string | undefined, ctx: ExprContext): boolean {
  if (text === undefined) return ctx.succeeded;
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text;
  const usesStatus = /\b(always|success|failure|cancelled)\s*\(/.test(bare);
  const value = truthy(evaluate(bare, ctx));
  return usesStatus ? value : ctx.succeeded && value;
}
