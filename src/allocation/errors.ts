import { GridFleetError } from '../client/errors';

/** Thrown when a scenario needs a run the manager has already ended (cancelled, expired). */
export class RunEndedError extends GridFleetError {}
