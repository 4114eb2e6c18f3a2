import net from 'node:net';
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
  close(): Promise<void>;
}

/** A server that accepts connections and reads requests but never answers: a NameServer that hangs. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    accepted: () => accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on. */
export async function deadAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** Polls `check` until it returns true or the time is up. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
