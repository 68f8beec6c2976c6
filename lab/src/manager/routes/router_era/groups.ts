/** Group-key validation shared by the router-era routes (docs/manager-api.md §R2, §R3.2). */
import type { ValidationIssue } from '../../http/errors';

/** `^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`, the manager's group-key pattern. */
export const GROUP_KEY_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$';
const GROUP_KEY = new RegExp(GROUP_KEY_PATTERN);

/** Issues for group keys that are not strings matching the pattern (pydantic's wording). */
export function groupKeyIssues(keys: unknown, loc: (string | number)[]): ValidationIssue[] {
  if (!Array.isArray(keys)) {
    return [{ type: 'list_type', loc, msg: 'Input should be a valid list', input: keys }];
  }
  const issues: ValidationIssue[] = [];
  keys.forEach((key, i) => {
    if (typeof key !== 'string') {
      issues.push({
        type: 'string_type',
        loc: [...loc, i],
        msg: 'Input should be a valid string',
        input: key,
      });
    } else if (!GROUP_KEY.test(key)) {
      issues.push({
        type: 'string_pattern_mismatch',
        loc: [...loc, i],
        msg: `String should match pattern '${GROUP_KEY_PATTERN}'`,
        input: key,
        ctx: { pattern: GROUP_KEY_PATTERN },
      });
    }
  });
  return issues;
}

/** A JSON value with every `null` object field dropped, recursively (`response_model_exclude_none`). */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
  return out;
}
