/**
 * Errors of the byte layer. Each one means the peer's stream can no longer be trusted,
 * so the connection that produced it is closed.
 */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export class HeaderDecodeError extends Error {
  override readonly name = 'HeaderDecodeError';
}

/** A request did not get its response in time. */
export class RemotingTimeoutError extends Error {
  override readonly name = 'RemotingTimeoutError';
}

/** The connection could not be opened, or closed before the response came. */
export class RemotingConnectionError extends Error {
  override readonly name = 'RemotingConnectionError';
}
