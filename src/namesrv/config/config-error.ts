/** A start-up configuration problem, told to the operator in one line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    message: string,
    /** The command line itself is wrong, so pointing at `-h` helps. */
    readonly isUsageError = false,
  ) {
    super(message);
  }
}
