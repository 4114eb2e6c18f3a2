/** The HTTP port could not be opened; `code` is the system error code (EADDRINUSE...). */
export class HttpListenError extends Error {
  override readonly name = 'HttpListenError';

  constructor(
    readonly port: number,
    readonly host: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}
