/** The part of a chai assertion chain the step library uses. */
export interface StepAssertion {
  to: {
    equal(expected: unknown): void;
    be: { greaterThan(limit: number): void };
  };
}

/** chai's `expect`, typed for what the steps use. */
export type StepExpect = (actual: unknown, message?: string) => StepAssertion;

// chai 6 is an ES module without type declarations; Node >= 22.12 can require() it, and this package is
// CommonJS, so it is loaded here once with the narrow type above instead of an ambient `any` module.
const chai = require('chai') as { expect: StepExpect };

/**
 * chai's `expect`: the failure message given as second argument is what the report shows, followed by
 * chai's "expected … to …" detail.
 */
export const expect: StepExpect = chai.expect;
