/** Errors of NameServer calls, beyond the transport errors of the remoting layer. */

/** A NameServer answered, with a response code other than SUCCESS. */
export class NameServerError extends Error {
  override readonly name = 'NameServerError';

  constructor(
    readonly code: number,
    readonly remark: string | null,
    readonly address: string,
  ) {
    super(`${address} answered code ${code}${remark ? `: ${remark}` : ''}`);
  }
}

/** No NameServer answered: every one was tried and failed (or none is configured). */
export class NameServerUnavailableError extends Error {
  override readonly name = 'NameServerUnavailableError';

  constructor(
    message: string,
    /** Address → why the call to it failed. */
    readonly failures: ReadonlyMap<string, Error> = new Map(),
  ) {
    super(failures.size === 0 ? message : `${message} (${describeFailures(failures)})`);
  }
}

/** A request sent to several NameServers failed on some of them. */
export class NameServerBroadcastError extends Error {
  override readonly name = 'NameServerBroadcastError';

  constructor(
    message: string,
    readonly failures: ReadonlyMap<string, Error>,
  ) {
    super(`${message} (${describeFailures(failures)})`);
  }
}

function describeFailures(failures: ReadonlyMap<string, Error>): string {
  return Array.from(failures, ([address, error]) => `${address}: ${error.message}`).join('; ');
}
