/**
 * The churn scenario's short-lived client on Node's TCP handle itself, without `net.Socket`.
 *
 * On a machine where the load generator and the server share the cores, the churn rate is bounded
 * by the sum of both sides' CPU per connection. A `net.Socket` costs the generator ~70 µs of user
 * CPU per connection (its stream state, listeners, timers), ~3× what the handle alone costs, and
 * that CPU is taken from the server under test. Node's own raw-TCP benchmarks drive the handle
 * the same way. Where the handle is not offered (or the host is not an IP address) the caller
 * falls back to `net.Socket`.
 */
import net from 'node:net';
import { ResponseReader, sharedReadBuffer } from './response-reader.js';
import { readResponseHead } from './wire.js';

interface TcpHandle {
  connect(req: ConnectRequest, address: string, port: number): number;
  connect6(req: ConnectRequest, address: string, port: number): number;
  useUserBuffer(buffer: Uint8Array): void;
  readStart(): number;
  readStop(): number;
  writeBuffer(req: WriteRequest, data: Uint8Array): number;
  close(callback?: () => void): void;
  onread: ((arrayBuffer: ArrayBuffer | undefined) => void) | null;
}
interface ConnectRequest {
  oncomplete: (status: number) => void;
  address: string;
  port: number;
}
interface WriteRequest {
  handle: TcpHandle;
  oncomplete: (status: number) => void;
  async: boolean;
}
interface HandleBindings {
  newHandle(): TcpHandle;
  newConnect(): ConnectRequest;
  newWrite(): WriteRequest;
  state: Int32Array;
  readBytesIndex: number;
  offsetIndex: number;
}

function loadBindings(): HandleBindings | null {
  try {
    const legacy = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
    const tcp = legacy('tcp_wrap') as { TCP: new (type: number) => TcpHandle; TCPConnectWrap: new () => ConnectRequest; constants: { SOCKET: number } };
    const stream = legacy('stream_wrap') as {
      WriteWrap: new () => WriteRequest;
      streamBaseState: Int32Array;
      kReadBytesOrError: number;
      kArrayBufferOffset: number;
    };
    if (!tcp?.TCP || !stream?.streamBaseState) return null;
    return {
      newHandle: () => new tcp.TCP(tcp.constants.SOCKET),
      newConnect: () => new tcp.TCPConnectWrap(),
      newWrite: () => new stream.WriteWrap(),
      state: stream.streamBaseState,
      readBytesIndex: stream.kReadBytesOrError,
      offsetIndex: stream.kArrayBufferOffset,
    };
  } catch {
    return null;
  }
}

let bindings: HandleBindings | null | undefined;

/** Whether `askOnceRaw` can serve connections to `host`. */
export function rawClientAvailable(host: string): boolean {
  bindings ??= loadBindings();
  return bindings !== null && net.isIP(host) !== 0;
}

export interface Answer {
  code: number;
  bytes: number;
}

/** Connects, sends `request`, and closes once the answer to opaque 1 has come. */
export function askOnceRaw(host: string, port: number, request: Buffer, timeoutMs: number): Promise<Answer> {
  const b = bindings;
  if (!b) return Promise.reject(new Error('TCP handle not available'));
  return new Promise((resolve, reject) => {
    const handle = b.newHandle();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      handle.readStop();
      handle.close();
    };
    const fail = (message: string) => {
      close();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    const reader = new ResponseReader((frame) => {
      const head = readResponseHead(frame);
      if (!head.isResponse || head.opaque !== 1) return;
      close();
      resolve({ code: head.code, bytes: frame.length + 4 });
    });
    const connect = b.newConnect();
    connect.address = host;
    connect.port = port;
    connect.oncomplete = (status) => {
      if (closed) return;
      if (status < 0) return fail(`connect to ${host}:${port} failed (${status})`);
      handle.useUserBuffer(sharedReadBuffer);
      handle.onread = () => {
        const length = b.state[b.readBytesIndex];
        if (length < 0) return fail('closed before the answer');
        const offset = b.state[b.offsetIndex];
        try {
          reader.read(length, offset === 0 ? sharedReadBuffer : sharedReadBuffer.subarray(offset));
        } catch (err) {
          fail((err as Error).message);
        }
      };
      handle.readStart();
      const write = b.newWrite();
      write.handle = handle;
      write.async = false;
      write.oncomplete = (writeStatus) => {
        if (writeStatus < 0) fail(`write failed (${writeStatus})`);
      };
      const err = handle.writeBuffer(write, request);
      if (err < 0) fail(`write failed (${err})`);
    };
    const err = net.isIPv6(host) ? handle.connect6(connect, host, port) : handle.connect(connect, host, port);
    if (err < 0) fail(`connect to ${host}:${port} failed (${err})`);
  });
}
