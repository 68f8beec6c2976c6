#!/usr/bin/env node
/**
 * `gridfleet-lab`: `up` / `down` run and stop the local stack (lab + Appium + Grid, or + the router
 * simulator); `serve` runs the manager simulator alone.
 *
 * @packageDocumentation
 */
import { main as serve } from './manager/cli';
import { reportFailure, main as stack } from './stack/cli';

const USAGE = `usage: gridfleet-lab <command> [options]

Commands:
  up      start lab + Appium (fake driver) + Selenium Grid, print the env vars, stay up until Ctrl-C
  down    stop the stack recorded in the state dir (also after 'up' was killed hard)
  serve   run only the manager simulator (the GridFleet API under /api)

'gridfleet-lab <command> --help' shows the options of a command.`;

const [command, ...rest] = process.argv.slice(2);
if (command === 'up' || command === 'down') {
  stack([command, ...rest]).catch(reportFailure);
} else if (command === 'serve') {
  serve(rest).catch((err: unknown) => {
    process.stderr.write(`gridfleet-lab: ${(err as Error).message}\n`);
    process.exit(1);
  });
} else if (command === undefined || command === '--help' || command === '-h') {
  process.stdout.write(`${USAGE}\n`);
  if (command === undefined) process.exitCode = 2;
} else {
  process.stderr.write(`gridfleet-lab: unknown command "${command}"\n${USAGE}\n`);
  process.exitCode = 2;
}
