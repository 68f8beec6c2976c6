/**
 * Helpers for integration tests: a local stack fixture, free ports and polling.
 *
 * @packageDocumentation
 */
export { freePort } from '../../lab/src/stack/ports';
export { liveChildPids } from './live_children';
export { type ProcessResult, type RunProcessOptions, runProcess } from './run_process';
export { type WaitForOptions, waitFor } from './wait_for';
export { type StackFixture, withStack } from './with_stack';
