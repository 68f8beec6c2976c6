import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Root of this repository. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Folder of the lab package (`gridfleet-lab`), an npm workspace of this repository. */
export const LAB_PACKAGE_DIR = path.join(REPO_ROOT, 'lab');

/** One file of the packed tarball, as `npm pack --json` lists it. */
export interface PackedFile {
  /** Path inside the package (forward slashes). */
  path: string;
  /** Size in bytes. */
  size: number;
}

/** What `npm pack --json` reports about the tarball. */
export interface PackResult {
  /** Tarball file name (`gridfleet-cucumber-<version>.tgz`). */
  filename: string;
  /** Compressed size in bytes. */
  size: number;
  /** Unpacked size in bytes. */
  unpackedSize: number;
  /** Every file in the tarball. */
  files: PackedFile[];
}

/**
 * Compiles `src/` into `dist/` and `lab/src/` into `lab/dist/` with the packages' build configs.
 *
 * @throws Error with the compiler output when tsc fails.
 */
export async function buildPackage(): Promise<void> {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO_ROOT] });
  for (const dir of [REPO_ROOT, LAB_PACKAGE_DIR]) {
    try {
      await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, maxBuffer: 1 << 24 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`Building ${dir} failed (tsc -p tsconfig.build.json):\n${stdout}${stderr}`);
    }
  }
}

/**
 * Runs `npm pack --json` on this repository (or on `packageDir`, e.g. {@link LAB_PACKAGE_DIR}) without
 * lifecycle scripts (the caller builds first). With `destination` it writes the tarball there; without
 * it, it is a dry run that only lists.
 */
export async function packPackage(destination?: string, packageDir: string = REPO_ROOT): Promise<PackResult> {
  const args = ['pack', '--json', '--ignore-scripts'];
  if (destination) args.push('--pack-destination', destination);
  else args.push('--dry-run');
  const { stdout } = await run('npm', args, { cwd: packageDir, maxBuffer: 1 << 26 });
  const parsed = JSON.parse(stdout) as PackResult[];
  const result = parsed[0];
  if (!result) throw new Error(`npm pack --json printed no package:\n${stdout.slice(0, 500)}`);
  return result;
}
