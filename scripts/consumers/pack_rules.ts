import type { PackedFile } from './pack_package';

/**
 * Paths that must never be in the published tarball: tests, fixtures, lab/stack state, reports,
 * development-only folders and stray compiler output of the whole repository (`dist/src`, `dist/test`).
 */
export const FORBIDDEN_PACK_PATHS: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\.test\.[cm]?[jt]s(\.map)?$|\.test\.d\.[cm]?ts(\.map)?$/, why: 'a test file' },
  { pattern: /(^|\/)(test|tests|__tests__|test_support|fixtures?)\//, why: 'test code or fixtures' },
  {
    pattern: /^(features|examples|scripts|docs|reports|screenshots|etc|\.ci|\.github)\//,
    why: 'a dev-only folder',
  },
  { pattern: /^dist\/(src|test|features|scripts|examples)\//, why: 'compiler output of the whole repo' },
  {
    pattern: /(^|\/)(stack\.json|[^/]*\.pid|[^/]*\.log|[^/]*\.tsbuildinfo)$/,
    why: 'lab/stack state or build state',
  },
  { pattern: /(^|\/)\.gridfleet[^/]*\//, why: 'lab/stack state dir' },
  { pattern: /(^|\/)node_modules\//, why: 'installed dependencies' },
  {
    pattern: /^(dist\/(lab|stack|manager|router_sim)\/|lab\/|assets\/labs\/)/,
    why: 'the simulator or the stack launcher (they ship in the gridfleet-lab package)',
  },
  { pattern: /(^|\/)\.env|\.tgz$/, why: 'secrets or a nested tarball' },
];

/** Returns one line per forbidden file of the tarball (empty when clean). */
export function forbiddenPackFiles(files: readonly PackedFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const rule = FORBIDDEN_PACK_PATHS.find((r) => r.pattern.test(file.path));
    if (rule) problems.push(`${file.path} (${rule.why}; matched ${rule.pattern})`);
  }
  return problems;
}

/** Collects every file path an `exports`/`bin`/`main`/`types`/`typesVersions` entry of package.json names. */
export function packageEntryFiles(pkg: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('./') || /^[\w@][\w./-]*\.(c|m)?(js|ts|json)$/.test(value)) {
        found.add(value.replace(/^\.\//, ''));
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const key of ['main', 'types', 'exports', 'bin', 'typesVersions']) visit(pkg[key]);
  return [...found].sort();
}
