import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

function builtMtime(): number {
  try {
    return statSync(path.join(REPO_ROOT, 'dist', 'register.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Makes sure `dist/` holds a build of the current `src/`, because fixture projects load the package the
 * way users do (through its `exports` map). Builds with `tsc -p tsconfig.build.json` when `src/` changed.
 *
 * @throws Error with the compiler output when the build produced no `dist/register.js`.
 */
export function ensurePackageBuilt(log: (line: string) => void): void {
  if (builtMtime() >= newestSourceMtime(path.join(REPO_ROOT, 'src'))) return;
  log('acceptance: src/ changed since the last build; running tsc -p tsconfig.build.json');
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  // tsc still emits on type errors; the type check is `npm run typecheck`'s job, not this one's.
  if (builtMtime() === 0) {
    throw new Error(
      `Building the package failed, dist/register.js is missing:\n${result.stdout}${result.stderr}`,
    );
  }
  if (result.status !== 0) log(`acceptance: tsc reported errors (dist was still emitted):\n${result.stdout}`);
}
