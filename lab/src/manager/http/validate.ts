/**
 * A small pydantic-v2 look-alike: validates request bodies and query strings and reports issues
 * with the manager's `type` / `loc` / `msg` / `input` / `ctx` texts.
 */
import type { ValidationIssue } from './errors';
import { parseUuid } from './uuid';

/** How one field is validated. */
export type FieldSpec =
  | { kind: 'str'; required?: boolean; nullable?: boolean; min?: number; max?: number; default?: unknown }
  | { kind: 'int'; required?: boolean; nullable?: boolean; ge?: number; le?: number; default?: unknown }
  | { kind: 'uuid'; required?: boolean; nullable?: boolean; default?: unknown }
  | {
      kind: 'enum';
      values: readonly string[];
      literal?: boolean;
      required?: boolean;
      nullable?: boolean;
      default?: unknown;
    }
  | { kind: 'bool'; required?: boolean; nullable?: boolean; default?: unknown }
  | { kind: 'dict'; required?: boolean; nullable?: boolean; default?: unknown }
  | { kind: 'str_dict'; required?: boolean; nullable?: boolean; default?: unknown }
  | { kind: 'datetime'; required?: boolean; nullable?: boolean; default?: unknown }
  | {
      kind: 'models';
      model: ModelSpec;
      className: string;
      required?: boolean;
      nullable?: boolean;
      default?: unknown;
    };

/** A body model: its fields, what to do with unknown keys, and model-level validators. */
export interface ModelSpec {
  fields: Record<string, FieldSpec>;
  extra: 'forbid' | 'ignore';
  /** Runs after the fields validated cleanly; returns a "Value error, ..." text or null. */
  check?: (value: Record<string, unknown>) => string | null;
}

/** Output of a validation: the coerced value and the issues found. */
export interface Validated<T> {
  value: T;
  issues: ValidationIssue[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** `'a', 'b' or 'c'`, the way pydantic lists expected values. */
export function expectedList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** Validates one scalar/nested field value (already known to be present). */
export function validateField(
  spec: FieldSpec,
  input: unknown,
  loc: (string | number)[],
  fromQuery = false,
): Validated<unknown> {
  const fail = (type: string, msg: string, ctx?: Record<string, unknown>): Validated<unknown> => ({
    value: undefined,
    issues: [{ type, loc, msg, input, ...(ctx ? { ctx } : {}) }],
  });
  if (input === null && spec.nullable) return { value: null, issues: [] };
  switch (spec.kind) {
    case 'str': {
      if (typeof input !== 'string') return fail('string_type', 'Input should be a valid string');
      const len = [...input].length;
      if (spec.min !== undefined && len < spec.min) {
        return fail(
          'string_too_short',
          `String should have at least ${spec.min} character${spec.min === 1 ? '' : 's'}`,
          {
            min_length: spec.min,
          },
        );
      }
      if (spec.max !== undefined && len > spec.max) {
        return fail(
          'string_too_long',
          `String should have at most ${spec.max} character${spec.max === 1 ? '' : 's'}`,
          {
            max_length: spec.max,
          },
        );
      }
      return { value: input, issues: [] };
    }
    case 'int': {
      let n: number;
      if (typeof input === 'boolean' && !fromQuery) n = input ? 1 : 0;
      else if (typeof input === 'number') {
        if (!Number.isFinite(input)) return fail('finite_number', 'Input should be a finite number');
        if (!Number.isInteger(input)) {
          return fail(
            'int_from_float',
            'Input should be a valid integer, got a number with a fractional part',
          );
        }
        n = input;
      } else if (typeof input === 'string') {
        const t = input.trim();
        if (!/^[+-]?\d+$/.test(t)) {
          return fail('int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
        }
        n = Number.parseInt(t, 10);
      } else return fail('int_type', 'Input should be a valid integer');
      if (spec.ge !== undefined && n < spec.ge) {
        return fail('greater_than_equal', `Input should be greater than or equal to ${spec.ge}`, {
          ge: spec.ge,
        });
      }
      if (spec.le !== undefined && n > spec.le) {
        return fail('less_than_equal', `Input should be less than or equal to ${spec.le}`, { le: spec.le });
      }
      return { value: n, issues: [] };
    }
    case 'uuid': {
      if (typeof input !== 'string')
        return fail('uuid_type', 'UUID input should be a string, bytes or UUID object');
      const parsed = parseUuid(input);
      if (!parsed.ok)
        return fail('uuid_parsing', `Input should be a valid UUID, ${parsed.error}`, { error: parsed.error });
      return { value: parsed.value, issues: [] };
    }
    case 'enum': {
      if (typeof input === 'string' && spec.values.includes(input)) return { value: input, issues: [] };
      const expected = expectedList(spec.values);
      return spec.literal
        ? fail('literal_error', `Input should be ${expected}`, { expected })
        : fail('enum', `Input should be ${expected}`, { expected });
    }
    case 'bool': {
      if (typeof input === 'boolean') return { value: input, issues: [] };
      if (typeof input === 'number' && (input === 0 || input === 1))
        return { value: input === 1, issues: [] };
      if (typeof input === 'string') {
        const t = input.toLowerCase();
        if (['true', '1', 'yes', 'on', 't', 'y'].includes(t)) return { value: true, issues: [] };
        if (['false', '0', 'no', 'off', 'f', 'n'].includes(t)) return { value: false, issues: [] };
        return fail('bool_parsing', 'Input should be a valid boolean, unable to interpret input');
      }
      return fail('bool_type', 'Input should be a valid boolean');
    }
    case 'dict': {
      if (!isObject(input)) return fail('dict_type', 'Input should be a valid dictionary');
      return { value: input, issues: [] };
    }
    case 'str_dict': {
      if (!isObject(input)) return fail('dict_type', 'Input should be a valid dictionary');
      const issues: ValidationIssue[] = [];
      for (const [k, v] of Object.entries(input)) {
        if (typeof v !== 'string')
          issues.push({
            type: 'string_type',
            loc: [...loc, k],
            msg: 'Input should be a valid string',
            input: v,
          });
      }
      return { value: input, issues };
    }
    case 'datetime': {
      if (typeof input !== 'string' || Number.isNaN(Date.parse(input))) {
        return fail(
          'datetime_from_date_parsing',
          'Input should be a valid datetime or date, invalid character in year',
        );
      }
      return {
        value: Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(input) || !input.includes('T') ? input : `${input}Z`),
        issues: [],
      };
    }
    case 'models': {
      if (!Array.isArray(input)) return fail('list_type', 'Input should be a valid list');
      const issues: ValidationIssue[] = [];
      const out: unknown[] = [];
      input.forEach((item, i) => {
        if (!isObject(item)) {
          issues.push({
            type: 'model_type',
            loc: [...loc, i],
            msg: `Input should be a valid dictionary or instance of ${spec.className}`,
            input: item,
            ctx: { class_name: spec.className },
          });
          return;
        }
        const r = validateModel(item, spec.model, [...loc, i]);
        issues.push(...r.issues);
        out.push(r.value);
      });
      return { value: out, issues };
    }
  }
}

/** Validates an object against a model spec (field issues first, then unknown keys, then checks). */
export function validateModel(
  input: Record<string, unknown>,
  spec: ModelSpec,
  loc: (string | number)[],
): Validated<Record<string, unknown>> {
  const issues: ValidationIssue[] = [];
  const value: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    if (!(name in input)) {
      if (field.required) issues.push({ type: 'missing', loc: [...loc, name], msg: 'Field required', input });
      else value[name] = field.default ?? null;
      continue;
    }
    const r = validateField(field, input[name], [...loc, name]);
    issues.push(...r.issues);
    value[name] = r.value;
  }
  if (spec.extra === 'forbid') {
    for (const key of Object.keys(input)) {
      if (!(key in spec.fields)) {
        issues.push({
          type: 'extra_forbidden',
          loc: [...loc, key],
          msg: 'Extra inputs are not permitted',
          input: input[key],
        });
      }
    }
  }
  if (issues.length === 0 && spec.check) {
    const problem = spec.check(value);
    if (problem)
      issues.push({ type: 'value_error', loc, msg: `Value error, ${problem}`, input, ctx: { error: {} } });
  }
  return { value, issues };
}

/**
 * Validates a JSON request body against a model. `raw` undefined means no body was sent.
 * `optional` bodies (claim) accept a missing body and JSON `null`.
 */
export function validateBody(
  raw: unknown,
  spec: ModelSpec,
  optional = false,
): Validated<Record<string, unknown> | null> {
  if (raw === undefined || raw === null) {
    if (optional) return { value: null, issues: [] };
    return { value: null, issues: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] };
  }
  if (!isObject(raw)) {
    return {
      value: null,
      issues: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: raw,
        },
      ],
    };
  }
  return validateModel(raw, spec, ['body']);
}

/** Validates query parameters (absent ones get their default; unknown ones are ignored). */
export function validateQuery(
  query: URLSearchParams,
  fields: Record<string, FieldSpec>,
): Validated<Record<string, unknown>> {
  const issues: ValidationIssue[] = [];
  const value: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const all = query.getAll(name);
    if (all.length === 0) {
      if (field.required)
        issues.push({ type: 'missing', loc: ['query', name], msg: 'Field required', input: null });
      else value[name] = field.default ?? null;
      continue;
    }
    const r = validateField(field, all[all.length - 1], ['query', name], true);
    issues.push(...r.issues);
    value[name] = r.value;
  }
  return { value, issues };
}
