import type net from 'node:net';

/** The first byte of a TLS record carrying a handshake (a ClientHello): what Java's `TlsModeHandler` looks for. */
export const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * Waits for the first bytes of a connection and returns the first one, leaving all of them unread
 * in the socket (which is left paused). Resolves null when the peer closes, errors or stays silent
 * for `timeoutMs`.
 */
export function peekFirstByte(socket: net.Socket, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const finish = (value: number | null) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onGone);
      socket.off('close', onGone);
      socket.off('error', onGone);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      finish(chunk[0]);
    };
    const onGone = () => finish(null);
    const timer = setTimeout(onGone, timeoutMs);
    socket.on('data', onData);
    socket.once('end', onGone);
    socket.once('close', onGone);
    socket.once('error', onGone);
  });
}

/**
 * Resumes a socket paused by `peekFirstByte` once its next consumer subscribes to `data`
 * (an explicitly paused stream does not start flowing on its own).
 */
export function resumeOnFirstDataListener(socket: net.Socket): void {
  const onNewListener = (event: string | symbol) => {
    if (event !== 'data') return;
    socket.off('newListener', onNewListener);
    process.nextTick(() => socket.resume());
  };
  socket.on('newListener', onNewListener);
}
