import { ResponseCode } from './response-code.js';

/**
 * A request that cannot be served as asked. The server answers it with `code` and `remark`
 * and keeps the connection open.
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';

  constructor(
    readonly code: number,
    readonly remark: string,
  ) {
    super(remark);
  }
}

/** A required header field is absent or does not parse as its type. */
export class HeaderFieldError extends RequestError {
  constructor(remark: string) {
    super(ResponseCode.SYSTEM_ERROR, remark);
  }
}

/** A request body is missing or does not decode. */
export class BodyDecodeError extends RequestError {
  constructor(remark: string) {
    super(ResponseCode.SYSTEM_ERROR, remark);
  }
}
