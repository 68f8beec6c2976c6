import { ReserveCapabilitiesUnsupportedError } from './errors';

/** Include tokens the manager can inline into a device answer (a claim), in the manager's order. */
export const DEVICE_INCLUDES = ['config', 'capabilities', 'test_data'] as const;

/** Include tokens the manager can inline into a device answer. */
export type DeviceInclude = (typeof DEVICE_INCLUDES)[number];

/** Include tokens a claim accepts. */
export type ClaimInclude = DeviceInclude;

/** Include tokens a reservation accepts (`capabilities` is rejected on reserve). */
export type ReserveInclude = 'config' | 'test_data';

/**
 * Validates an `include` option and returns the query value (`config,test_data`), or undefined when
 * nothing is included. A bare string is a TypeError, as in the testkit, so `'config'` is never
 * silently split or misread.
 *
 * @param where - method name for the error message.
 * @param reserve - true on reserve: `capabilities` raises {@link ReserveCapabilitiesUnsupportedError}
 *   before any request is sent.
 */
export function includeQueryValue(include: unknown, where: string, reserve = false): string | undefined {
  if (include === undefined || include === null) return undefined;
  if (typeof include === 'string') {
    throw new TypeError(
      `${where}: include must be an array of strings such as ['${include}'], not the bare string '${include}'.`,
    );
  }
  if (!Array.isArray(include) || include.some((item) => typeof item !== 'string')) {
    throw new TypeError(`${where}: include must be an array of strings such as ['config', 'test_data'].`);
  }
  const tokens = (include as string[]).map((token) => token.trim()).filter((token) => token !== '');
  if (reserve && tokens.includes('capabilities')) throw new ReserveCapabilitiesUnsupportedError();
  return tokens.length > 0 ? tokens.join(',') : undefined;
}
