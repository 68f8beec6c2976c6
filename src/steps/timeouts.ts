/**
 * Step timeouts. Cucumber's default of 5 s is far too short for device work: getting a device may wait
 * for one to come free and an Appium session on real hardware can take minutes to start.
 */
export const STEP_TIMEOUTS = {
  /** `Given a {platform} device`: wait for a free device plus Appium session creation. */
  allocateDevice: 15 * 60_000,
  /** Screenshot and other driver round trips. */
  driver: 2 * 60_000,
  /** Manager reads and writes (test data, config). */
  manager: 60_000,
} as const;
