import net from 'node:net';

/**
 * Reads of a plain TCP socket into one buffer shared by every such socket, handed to a callback:
 * the `onread` mode Node offers for sockets it connects (`net.connect({ onread })`), switched on
 * for an accepted one. Without it each read allocates a fresh buffer in C++, wraps it for
 * JavaScript and goes through the readable stream (push, 'data', a nextTick to read more):
 * for a server whose peers send one small frame a second each (a controller's thousand
 * heartbeating brokers) that machinery costs more than the frame's own handling.
 *
 * The socket stays a net.Socket in every other respect (writes, pause and resume, end of stream,
 * errors, timeouts). The bytes handed to the callback are valid only until it returns: what it
 * keeps it must copy. Node does not export the switch for accepted sockets, so it is found on a
 * probe socket; when it cannot be (another Node version), `readDirect` returns false and the
 * caller goes on with 'data' events.
 */
/** Called with the socket as `this`; the bytes read are `buffer[0, length)`. */
export type DirectReader = (this: net.Socket, length: number, buffer: Buffer) => void;

/** Node's suggested read size (libuv reads up to this much at a time). */
const READ_BUFFER_BYTES = 64 * 1024;

interface Switch {
  buffer: symbol;
  callback: symbol;
}

type SwitchableSocket = net.Socket & Record<symbol, unknown> & { _handle?: { useUserBuffer?: (buffer: Uint8Array) => void } | null };

const found = locateSwitch();

/** The buffer every direct read lands in: never kept past a callback. */
export const sharedReadBuffer: Buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);

/**
 * Reads `socket` directly into the shared buffer from now on, calling `reader` (with the socket as
 * `this`) for each read. Must be called before the socket's first read is delivered, or from its
 * 'data' listener while it flows (nothing is then left in the stream for 'data' to deliver later).
 * False when this Node does not allow it; the socket is then left as it was.
 */
export function readDirect(socket: net.Socket, reader: DirectReader): boolean {
  const s = socket as SwitchableSocket;
  const handle = s._handle;
  if (!found || !handle || typeof handle.useUserBuffer !== 'function') return false;
  s[found.buffer] = sharedReadBuffer;
  s[found.callback] = reader;
  handle.useUserBuffer(sharedReadBuffer);
  return true;
}

/** The private keys net.Socket keeps its `onread` buffer and callback under, by their names. */
function locateSwitch(): Switch | null {
  const probe = new net.Socket();
  const symbols = Object.getOwnPropertySymbols(probe);
  const buffer = symbols.find((s) => s.description === 'kBuffer');
  const callback = symbols.find((s) => s.description === 'kBufferCb');
  probe.destroy();
  return buffer && callback ? { buffer, callback } : null;
}
