import { defineParameterType } from '@cucumber/cucumber';

/** Name of the cucumber parameter type for GridFleet platform ids: use `{platform}` in step expressions. */
const PLATFORM_PARAMETER_NAME = 'platform';

/** What a GridFleet platform id looks like: lowercase letters, digits and underscores (`firetv_real`). */
const PLATFORM_ID = /^[a-z][a-z0-9_]*$/;

/**
 * Validates the text a `{platform}` parameter matched and returns it as a platform id.
 *
 * The parameter's regexp is deliberately wider than a platform id so that a typo such as `FireTV` still
 * matches the step and fails with this explanation, instead of leaving the step undefined.
 *
 * @param text - the matched text, e.g. `firetv_real`.
 * @returns the platform id.
 * @throws Error naming the bad value and the expected shape.
 */
export function parsePlatformId(text: string): string {
  if (!PLATFORM_ID.test(text)) {
    throw new Error(
      `'${text}' is not a GridFleet platform id: use the lowercase id from the driver-pack catalog, ` +
        'letters, digits and underscores only (e.g. android_mobile, firetv_real, roku_network).',
    );
  }
  return text;
}

/**
 * Defines the `{platform}` parameter type (a GridFleet platform id such as `firetv_real`).
 * Call once per cucumber support-code load; {@link registerGridFleetSteps} does it for you.
 */
export function definePlatformParameterType(): void {
  defineParameterType({
    name: PLATFORM_PARAMETER_NAME,
    regexp: /[A-Za-z0-9_.:-]+/,
    transformer: parsePlatformId,
    // A one-word pattern would otherwise match every word in generated snippets.
    useForSnippets: false,
  });
}
