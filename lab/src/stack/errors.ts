/**
 * The one error type of the local stack launcher. Its message always says what went wrong and how
 * to fix it, so the CLI can print it as is.
 */
export class StackError extends Error {
  override readonly name = 'StackError';
}
