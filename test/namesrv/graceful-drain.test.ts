import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Configuration } from '../../src/namesrv/config/configuration.js';
import { NameServer } from '../../src/namesrv/nameserver.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createLogger, silentLogger } from '../../src/util/logger.js';
import { call, tempDir } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';

const NEW_CLIENT = 476; // above V5_3_1 (475)
const OLD_CLIENT = 475;

interface Drainable {
  server: NameServer;
  port: number;
  /** Ends the drain's wait, as shutdownWaitTimeSeconds passing would. */
  timeUp(): void;
  /** How long the server asked to wait, once it has. */
  waitedMs(): number | null;
}

async function startDrainable(enableShutdownGracefully: boolean, servingProcesses = 1): Promise<Drainable> {
  const home = tempDir('namesrv-drain-');
  const configuration = new Configuration({
    homeDir: home,
    namesrv: { kvConfigPath: path.join(home, 'kv.json'), configStorePath: path.join(home, 'ns.properties') },
    netty: { listenPort: 0, bindAddress: '127.0.0.1', enableShutdownGracefully, shutdownWaitTimeSeconds: 30 },
    http: { httpEnable: false },
    servingProcesses,
  });
  let release: () => void = () => undefined;
  let asked: number | null = null;
  const server = new NameServer({
    configuration,
    logger: process.env.DEBUG_DRAIN ? createLogger({ level: 'debug', pretty: false }) : silentLogger(),
    env: {},
    drainWait: (ms) => {
      asked = ms;
      return new Promise((resolve) => (release = resolve));
    },
  });
  const { port } = await server.start();
  return { server, port, timeUp: () => release(), waitedMs: () => asked };
}

/** A connection the server has taken up (it answered one request), not one still in the backlog. */
async function connect(port: number): Promise<ClientConnection> {
  const client = await ClientConnection.connect({ host: '127.0.0.1', port });
  assert.equal((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO, { version: OLD_CLIENT })).code, ResponseCode.SUCCESS);
  return client;
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

/** Shuts `ns` down gracefully with two clients connected, checking what each is answered meanwhile. */
async function drainsGracefully(ns: Drainable): Promise<void> {
  const fresh = await connect(ns.port);
  const old = await connect(ns.port);
  assert.equal(ns.server.draining, false);
  let stopped = false;
  const shutdown = ns.server.shutdown().then(() => (stopped = true));
  assert.equal(ns.server.draining, true, 'draining from the moment shutdown starts');
  assert.equal(ns.waitedMs(), 30_000);

  const goAway = await call(fresh, RequestCode.GET_BROKER_CLUSTER_INFO, { version: NEW_CLIENT });
  assert.equal(goAway.code, ResponseCode.GO_AWAY);
  assert.equal(goAway.remark, 'please go away');
  assert.equal(goAway.extFields, null);
  const unsupported = await call(fresh, 9999, { version: NEW_CLIENT });
  assert.equal(unsupported.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, 'as Java: unknown codes are answered before GO_AWAY');
  const served = await call(old, RequestCode.GET_BROKER_CLUSTER_INFO, { version: OLD_CLIENT, rocketmq: true });
  assert.equal(served.code, ResponseCode.SUCCESS);
  // Serving processes each let the listening socket go when told of the drain: soon, not at once.
  await until(() => refusesConnections(ns.port));
  assert.equal(stopped, false);

  fresh.close();
  old.close();
  await shutdown;
  assert.equal(stopped, true, 'the drain ended when the last connection closed, before its time was up');
}

describe('graceful drain (enableShutdownGracefully=true)', () => {
  it('refuses new connections, tells new clients to go away, serves old ones, and ends when they leave', async () => {
    await drainsGracefully(await startDrainable(true));
  });

  it('does the same with serving processes (servingProcesses=2)', async () => {
    await drainsGracefully(await startDrainable(true, 2));
  });

  it('closes the connections still open when shutdownWaitTimeSeconds have passed', async () => {
    const ns = await startDrainable(true);
    const old = await connect(ns.port);
    const shutdown = ns.server.shutdown();
    assert.equal((await call(old, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, { version: OLD_CLIENT })).code, ResponseCode.SUCCESS);
    ns.timeUp();
    await shutdown;
    await old.closed();
    assert.equal(old.isOpen, false);
  });
});

describe('shutdown without enableShutdownGracefully (the default)', () => {
  it('closes at once and never answers GO_AWAY', async () => {
    const ns = await startDrainable(false);
    const client = await connect(ns.port);
    assert.equal((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO, { version: NEW_CLIENT })).code, ResponseCode.SUCCESS);
    await ns.server.shutdown();
    assert.equal(ns.waitedMs(), null);
    assert.equal(ns.server.draining, false);
    await client.closed();
  });
});

describe('NameServerClient and a draining NameServer', () => {
  it('moves to the next NameServer on GO_AWAY', async () => {
    const { NameServerClient } = await import('../../src/client/namesrv/name-server-client.js');
    const draining = await startDrainable(true);
    const other = await startDrainable(false);
    const [first, second] = [`127.0.0.1:${draining.port}`, `127.0.0.1:${other.port}`];
    const client = new NameServerClient({ nameServers: [first] });
    try {
      await client.getClusterInfo();
      await client.setAddresses([first, second]);
      assert.equal(client.currentAddress, first);
      const shutdown = draining.server.shutdown();
      await client.getClusterInfo();
      assert.equal(client.currentAddress, second);
      await shutdown; // the client dropped its connection, so the drain ends
    } finally {
      await client.close();
      await other.server.shutdown();
    }
  });
});
