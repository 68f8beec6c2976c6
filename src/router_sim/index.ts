/**
 * GridFleet router simulator: the WebDriver router of today's GridFleet (router era) in
 * TypeScript. It talks to the manager only through the manager's internal grid API, so it can sit
 * in front of the lab or a real manager. Self-contained: only `node:*` and zod.
 *
 * @packageDocumentation
 */
export { BUDGET_HEADER, type CreateOutcome, rejectionDetail } from './create_session';
export { type ManagerAuth, type ManagerRoute, ManagerTransportError } from './manager_client';
export { type ResolvedRouterOptions, type RouterOptions, resolveRouterOptions } from './options';
export { classifyRequest, type RouterRequest } from './paths';
export { MAX_NEW_SESSION_BODY, type RunningRouter, startRouter } from './server';
export { sortedJson, w3cError } from './wire';
