import net from 'node:net';
import { parseHostPort } from '../../src/client/namesrv/address-list.js';
import { createResponse, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import { silentLogger } from '../../src/util/logger.js';
import { freePort } from '../../src/util/free-ports.js';
import { FakeBroker, topic, type FakeBrokerOptions } from '../support/fake-broker.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

export { topic };

export function addressOf(ns: RunningNameServer): string {
  return `127.0.0.1:${ns.port}`;
}

/** Registers a simulated broker with a NameServer over its own connection (closed by ns.stop()). */
export async function registerFakeBroker(ns: RunningNameServer, options: FakeBrokerOptions = {}): Promise<FakeBroker> {
  const broker = new FakeBroker(await ns.connect(), options);
  const response = await broker.register();
  if (response.code !== 0) throw new Error(`fake broker registration failed: ${response.remark}`);
  return broker;
}

export async function startNameServers(count: number): Promise<RunningNameServer[]> {
  return Promise.all(Array.from({ length: count }, () => startNameServer()));
}

export interface BlackHole {
  address: string;
  /** Connections accepted so far. */
  accepted(): number;
  /** Resolves once some bytes have arrived. */
  received(): Promise<void>;
  close(): Promise<void>;
}

/** A server that accepts connections and reads requests but never answers: a NameServer that hangs. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let onData: () => void = () => undefined;
  const received = new Promise<void>((resolve) => (onData = resolve));
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', () => onData());
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    accepted: () => accepted,
    received: () => received,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on. */
export async function deadAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

export interface Proxy {
  address: string;
  /** From now on, swallow whatever clients send, keeping their connections open: a NameServer that hangs. */
  hang(): void;
  /** Bytes swallowed since hang(). */
  swallowed(): number;
  /** Resolves once something has been swallowed. */
  swallowing(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy to `target`, which can be told to hang. */
export async function startProxy(target: string): Promise<Proxy> {
  const { host, port } = parseHostPort(target);
  const sockets = new Set<net.Socket>();
  let hanging = false;
  let swallowed = 0;
  let onSwallow: () => void = () => undefined;
  const swallowing = new Promise<void>((resolve) => (onSwallow = resolve));
  const track = (socket: net.Socket, peer: () => net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => peer().destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      peer().destroy();
    });
  };
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host, port });
    track(inbound, () => outbound);
    track(outbound, () => inbound);
    inbound.on('data', (chunk: Buffer) => {
      if (!hanging) {
        outbound.write(chunk);
        return;
      }
      swallowed += chunk.length;
      onSwallow();
    });
    outbound.on('data', (chunk: Buffer) => inbound.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    hang: () => void (hanging = true),
    swallowed: () => swallowed,
    swallowing: () => swallowing,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RecordingNameServer {
  address: string;
  /** Every request received, in order. */
  readonly requests: readonly RemotingCommand[];
  /** Resolves once `count` requests with `code` have arrived in all. */
  received(code: number, count?: number): Promise<RemotingCommand[]>;
  close(): Promise<void>;
}

/** Stands in for a NameServer: answers every request with SUCCESS and keeps what it was sent. */
export async function startRecordingNameServer(): Promise<RecordingNameServer> {
  const requests: RemotingCommand[] = [];
  const waiters = new Set<() => void>();
  const server = new RemotingServer({
    port: 0,
    host: '127.0.0.1',
    serverVersion: 479,
    logger: silentLogger(),
    handler: (request) => {
      requests.push(request);
      for (const wake of waiters) wake();
      return createResponse(request, { code: 0 }, 479);
    },
  });
  const { port } = await server.listen();
  return {
    address: `127.0.0.1:${port}`,
    requests,
    received(code, count = 1) {
      const matching = () => requests.filter((r) => r.code === code);
      if (matching().length >= count) return Promise.resolve(matching());
      return new Promise((resolve) => {
        const wake = () => {
          if (matching().length < count) return;
          waiters.delete(wake);
          resolve(matching());
        };
        waiters.add(wake);
      });
    },
    close: () => server.close(),
  };
}
