/** Result of {@link lookupDottedPath}. */
export type DottedPathLookup = { found: true; value: unknown } | { found: false };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `path` (dot-separated keys, e.g. `account.pin`) from a JSON object. Arrays are values, not
 * containers: `flags.0` is not looked into, because test data paths name object keys only.
 *
 * @throws Error when `path` is empty or has an empty segment.
 */
export function lookupDottedPath(root: Record<string, unknown>, path: string): DottedPathLookup {
  const segments = path.split('.');
  if (segments.some((segment) => segment.length === 0)) {
    throw new Error(`'${path}' is not a dotted path: use non-empty keys joined by dots, e.g. 'account.pin'.`);
  }
  let current: unknown = root;
  for (const segment of segments) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return { found: false };
    current = current[segment];
  }
  return { found: true, value: current };
}

/**
 * Lists every leaf of a JSON object as a dotted path, sorted (`{account: {user}, flags: []}` gives
 * `account.user, flags`). Used to tell the reader what *is* there when a path is missing.
 */
export function listDottedPaths(root: Record<string, unknown>): string[] {
  const paths: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isPlainObject(value) && Object.keys(value).length > 0) walk(value, path);
      else paths.push(path);
    }
  };
  walk(root, '');
  return paths.sort();
}

/**
 * Explains that `path` is missing from `what` (e.g. "device test data"), listing the paths that exist.
 */
export function missingPathMessage(what: string, path: string, root: Record<string, unknown>): string {
  const paths = listDottedPaths(root);
  return `${what} has no '${path}' (keys: ${paths.length > 0 ? paths.join(', ') : 'none, it is empty'})`;
}

/**
 * Parses a Gherkin doc string that must hold a JSON object.
 *
 * @param docString - the doc string text.
 * @param stepText - the step, named in the error.
 * @throws Error naming what was wrong and what to write instead.
 */
export function parseJsonObjectDocString(docString: string, stepText: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(docString);
  } catch (error) {
    throw new Error(
      `The doc string of "${stepText}" is not valid JSON (${(error as Error).message}). ` +
        'Write a JSON object between the """ lines, e.g. {"account": {"pin": "1234"}}.',
    );
  }
  if (!isPlainObject(parsed)) {
    const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`;
    throw new Error(
      `The doc string of "${stepText}" must be a JSON object, got ${kind}. ` +
        'Write a JSON object between the """ lines, e.g. {"account": {"pin": "1234"}}.',
    );
  }
  return parsed;
}
