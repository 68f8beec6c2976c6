/**
 * The import rules of docs/architecture.md, checked on the source tree: the product (`src/`) never
 * imports the lab package (`lab/`), the lab never imports the product, and the cucumber layer
 * (`src/run`, `src/world.ts`, `src/hooks.ts`, `src/steps`, `src/config`) reaches allocation only through
 * the strategy seam, never a strategy's own folder.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every `.ts` file under `dir` (relative to the repository root). */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The module specifiers a file imports or requires, resolved to repository-relative paths where relative. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|require\(|import\()\s*'([^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((s) => (s.startsWith('.') ? path.normalize(path.join(path.dirname(file), s)) : s));
}

/** Lines `file imports target` for every import of `files` that `forbidden` matches. */
function violations(files: readonly string[], forbidden: (target: string) => boolean): string[] {
  return files.flatMap((f) =>
    importsOf(f)
      .filter(forbidden)
      .map((t) => `${f} imports ${t}`),
  );
}

describe('import direction', () => {
  test('the product (src/, its tests aside) never imports the lab package', () => {
    const product = tsFiles('src').filter((f) => !f.endsWith('.test.ts') && !f.includes('test_support'));
    const bad = violations(product, (t) => t === 'gridfleet-lab' || t.startsWith('lab/') || t === 'lab');
    assert.deepEqual(bad, []);
  });

  test('the lab package (lab/src) never imports the product', () => {
    const bad = violations(
      tsFiles(path.join('lab', 'src')),
      (t) =>
        t === 'gridfleet-cucumber' ||
        t.startsWith('gridfleet-cucumber/') ||
        t.startsWith('src/') ||
        t === 'src',
    );
    assert.deepEqual(bad, []);
  });

  test('the cucumber layer reaches allocation only through the strategy seam', () => {
    const layer = [
      ...tsFiles(path.join('src', 'run')),
      ...tsFiles(path.join('src', 'steps')),
      ...tsFiles(path.join('src', 'config')),
      path.join('src', 'world.ts'),
      path.join('src', 'hooks.ts'),
    ].filter((f) => !f.endsWith('.test.ts'));
    // A strategy is a folder of src/allocation (claim/, router/, ...); the seam is the files beside them.
    const inStrategyFolder = (target: string): boolean => {
      const [top, area, name] = target.split(path.sep);
      if (top !== 'src' || area !== 'allocation' || name === undefined) return false;
      const dir = path.join(ROOT, top, area, name);
      return fs.existsSync(dir) && fs.statSync(dir).isDirectory();
    };
    const bad = violations(layer, inStrategyFolder);
    assert.deepEqual(bad, []);
  });
});
