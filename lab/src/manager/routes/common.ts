/** Request validation shared by the API routes (path, query and body issues reported together). */
import type { ValidationIssue } from '../http/errors';
import { validationError } from '../http/errors';
import type { RequestContext } from '../http/router';
import type { FieldSpec, ModelSpec } from '../http/validate';
import { validateBody, validateField, validateQuery } from '../http/validate';

/** What a route validates. */
export interface RequestSpec {
  path?: Record<string, FieldSpec>;
  query?: Record<string, FieldSpec>;
  body?: ModelSpec;
  /** Body may be absent or `null` (claim). */
  bodyOptional?: boolean;
  /** Extra body checks run after the schema (e.g. size limits); return issues. */
  bodyCheck?: (body: unknown) => ValidationIssue[];
  /** Root body must be an object of anything (test_data, config). */
  bodyDict?: boolean;
}

/** Validated parts of a request. */
export interface Parsed {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown> | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Validates the request like FastAPI does (all issues at once) or throws the 422. */
export function parseRequest(ctx: RequestContext, spec: RequestSpec): Parsed {
  const issues: ValidationIssue[] = [];
  const path: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec.path ?? {})) {
    const r = validateField(field, ctx.params[name], ['path', name]);
    issues.push(...r.issues);
    path[name] = r.value;
  }
  const q = validateQuery(ctx.query, spec.query ?? {});
  issues.push(...q.issues);
  let body: Record<string, unknown> | null = null;
  const wantsBody = spec.body !== undefined || spec.bodyDict === true;
  if (wantsBody && ctx.bodyError) {
    issues.push({
      type: 'json_invalid',
      loc: ['body', ctx.bodyError.position],
      msg: 'JSON decode error',
      input: {},
      ctx: { error: ctx.bodyError.message },
    });
  } else if (spec.bodyDict) {
    if (ctx.body === undefined) {
      issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
    } else if (!isObject(ctx.body)) {
      issues.push({
        type: 'dict_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary',
        input: ctx.body,
      });
    } else {
      body = ctx.body;
      issues.push(...(spec.bodyCheck?.(ctx.body) ?? []));
    }
  } else if (spec.body) {
    const b = validateBody(ctx.body, spec.body, spec.bodyOptional);
    issues.push(...b.issues);
    body = b.value;
    if (b.issues.length === 0 && spec.bodyCheck) issues.push(...spec.bodyCheck(ctx.body));
  }
  if (issues.length > 0) throw validationError(issues);
  return { path, query: q.value, body };
}

/** `{ status: 200, body }`. */
export const ok = (body: unknown, status = 200) => ({ status, body });

/** Path spec for a UUID parameter. */
export const UUID_PARAM: FieldSpec = { kind: 'uuid', required: true };
