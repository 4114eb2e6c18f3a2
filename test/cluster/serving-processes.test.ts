import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encodeCommand } from '../../src/remoting/command-codec.js';
import { MQVersion } from '../../src/protocol/mq-version.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { createRequest, SerializeType, type ExtFields } from '../../src/remoting/remoting-command.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { spawnBin, type SpawnedBin } from '../cli/spawn-bin.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { scrapeMetrics } from '../support/http.js';
import { bodyJson, CALL_TIMEOUT_MS, call, tempDir } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';

interface Server {
  bin: SpawnedBin;
  port: number;
  httpPort: number;
}

async function startServer(servingProcesses: number, ...args: string[]): Promise<Server> {
  const bin = spawnBin('mqnamesrv.js', tempDir('namesrv-serving-'), [
    '--bindAddress=127.0.0.1',
    '--listenPort=0',
    '--httpPort=0',
    `--servingProcesses=${servingProcesses}`,
    ...args,
  ]);
  const [, port] = await bin.waitFor(/boot success\. serializeType=JSON, address 127\.0\.0\.1:(\d+)/);
  const [, httpPort] = await bin.waitFor(/^HTTP \(metrics.*on 127\.0\.0\.1:(\d+)$/m);
  return { bin, port: Number(port), httpPort: Number(httpPort) };
}

async function stop(server: Server): Promise<number | null> {
  server.bin.child.kill('SIGTERM');
  return server.bin.exited;
}

/** One request on a fresh connection; resolves with the answer's frame exactly as it came. */
function rawCall(port: number, code: number, extFields: ExtFields | null, options: { version?: number; body?: Buffer } = {}): Promise<Buffer> {
  const request = createRequest({ code, extFields, body: options.body ?? null, opaque: 7, version: options.version ?? 479, serializeType: SerializeType.JSON });
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(encodeCommand(request)));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readUInt32BE(0)) {
        socket.destroy();
        resolve(received.subarray(0, 4 + received.readUInt32BE(0)));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before an answer')));
  });
}

/** Open connections by serving process (pid), as the primary's metrics tell. */
async function connectionsByProcess(server: Server): Promise<Map<string, number>> {
  const metrics = await scrapeMetrics(server.httpPort);
  return new Map(metrics.samples('rocketmq_namesrv_serving_process_connections').map((s) => [s.labels!.pid!, Number(s.value)]));
}

/** Opens connections until the primary reports every serving process holding at least one. */
async function connectionsOnEveryProcess(server: Server, processes: number): Promise<ClientConnection[]> {
  const clients: ClientConnection[] = [];
  for (;;) {
    for (let i = 0; i < processes; i++) clients.push(await ClientConnection.connect({ host: '127.0.0.1', port: server.port, connectTimeoutMs: CALL_TIMEOUT_MS }));
    // A request on each makes sure the primary has heard of every connection.
    for (const client of clients) await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'none', key: 'none' } });
    const counts = await connectionsByProcess(server);
    assert.equal(counts.size, processes);
    if ([...counts.values()].every((n) => n > 0)) return clients;
  }
}

function routeOf(frameBody: unknown): { queueDatas: Array<{ brokerName: string; writeQueueNums: number }> } {
  return frameBody as { queueDatas: Array<{ brokerName: string; writeQueueNums: number }> };
}

/** A broker registered over a connection of its own. */
async function register(port: number, broker: ConstructorParameters<typeof FakeBroker>[1] = {}): Promise<FakeBroker> {
  const connection = await ClientConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: CALL_TIMEOUT_MS });
  const fake = new FakeBroker(connection, broker);
  const answer = await fake.register();
  assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark ?? '');
  return fake;
}

describe('servingProcesses=2: several processes serve the remoting port', () => {
  let single: Server;
  let multi: Server;
  before(async () => {
    [single, multi] = await Promise.all([startServer(1), startServer(2)]);
  });
  after(async () => {
    await Promise.all([single && stop(single), multi && stop(multi)]);
  });

  it('answers byte for byte as the single-process server does', async () => {
    const brokers = await Promise.all(
      [single, multi].map((server) => register(server.port, { topics: [topic('TopicA'), topic('TopicB', { writeQueueNums: 2 })] })),
    );
    const kvPut = { namespace: 'ns', key: 'k', value: 'v' };
    for (const server of [single, multi]) assert.equal((await call(brokers[server === single ? 0 : 1]!.connection, RequestCode.PUT_KV_CONFIG, { extFields: kvPut })).code, 0);
    const requests: Array<[number, ExtFields | null, number?]> = [
      [RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA' }],
      [RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA' }, MQVersion.V4_9_4],
      [RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicB', acceptStandardJsonOnly: 'true' }],
      [RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuchTopic' }],
      // Zone routing: a copy per zone.
      [RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA', zoneMode: 'true', zoneName: 'other-zone' }],
      [RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA', zoneMode: 'true', zoneName: ' ' }],
      [RequestCode.GET_BROKER_CLUSTER_INFO, null],
      [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null],
      [RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'k' }],
      [RequestCode.GET_KV_CONFIG, { namespace: 'ns', key: 'missing' }],
    ];
    // Several times each, on fresh connections: forwarded to the primary, then from the workers' copies.
    for (let round = 0; round < 4; round++) {
      for (const [code, extFields, version] of requests) {
        const [expected, actual] = await Promise.all([single, multi].map((s) => rawCall(s.port, code, extFields, { version })));
        assert.deepEqual(actual, expected, `code ${code} ${JSON.stringify(extFields)} version ${version ?? 479} round ${round}`);
      }
    }
    for (const broker of brokers) broker.connection.close();
  });

  it('once a registration is answered, every serving process answers with the new route', async () => {
    const broker = await register(multi.port, { brokerName: 'broker-fresh', brokerAddr: '127.0.0.1:20911', topics: [topic('FreshTopic'), topic('FreshTopic2')] });
    const clients = await connectionsOnEveryProcess(multi, 2);
    const lookup = async (client: ClientConnection) => {
      const answer = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'FreshTopic' } });
      assert.equal(answer.code, ResponseCode.SUCCESS);
      return routeOf(bodyJson(answer)).queueDatas.map((q) => q.writeQueueNums);
    };
    // Every process now keeps the answer (the second lookup on each is served from its copy).
    for (let i = 0; i < 2; i++) for (const client of clients) assert.deepEqual(await lookup(client), [4]);
    for (let change = 1; change <= 3; change++) {
      broker.setTopics([topic('FreshTopic', { writeQueueNums: 4 + change }), topic('FreshTopic2')]);
      assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
      const seen = await Promise.all(clients.map(lookup));
      assert.deepEqual(seen, clients.map(() => [4 + change]), `after change ${change}`);
    }
    // A new topic too, and a broker-wide change (a second broker of the group's cluster).
    await register(multi.port, { brokerName: 'broker-other', brokerAddr: '127.0.0.1:20912', topics: [topic('FreshTopic'), topic('FreshTopic2')] });
    const names = await Promise.all(
      clients.map(async (client) => routeOf(bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'FreshTopic' } }))).queueDatas.map((q) => q.brokerName).sort()),
    );
    assert.deepEqual(names, clients.map(() => ['broker-fresh', 'broker-other']));
    for (const client of clients) client.close();
    broker.connection.close();
  });

  it("counts the lookups serving processes answered themselves in the primary's metrics", async () => {
    const before = await scrapeMetrics(multi.httpPort);
    const lookups = (m: typeof before) => m.value('rocketmq_namesrv_requests_total', { code: 'GET_ROUTEINFO_BY_TOPIC', result: 'SUCCESS' });
    const hits = (m: typeof before) => m.value('rocketmq_namesrv_route_cache_lookups_total', { result: 'hit' });
    const broker = await register(multi.port, { brokerName: 'broker-counted', brokerAddr: '127.0.0.1:50911', topics: [topic('CountedTopic'), topic('CountedTopic2')] });
    const clients = await connectionsOnEveryProcess(multi, 2);
    const rounds = 5;
    for (let i = 0; i < rounds; i++) {
      for (const client of clients) assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'CountedTopic' } })).code, ResponseCode.SUCCESS);
    }
    // Serving processes report once a second: wait for every lookup to be counted, copies included
    // (reports of earlier tests' lookups may come in too). Uncounted copies never get there.
    await until(async () => lookups(await scrapeMetrics(multi.httpPort)) - lookups(before) >= rounds * clients.length);
    const after = await scrapeMetrics(multi.httpPort);
    assert.ok(hits(after) - hits(before) >= (rounds - 1) * clients.length, 'lookups after the first on each process come from its copies');
    for (const client of clients) client.close();
    broker.connection.close();
  });

  it("a broker's routes go when its connection, held by a serving process, closes", async () => {
    const broker = await register(multi.port, { brokerName: 'broker-gone', brokerAddr: '127.0.0.1:30911', topics: [topic('GoneTopic'), topic('GoneTopic2')] });
    const clients = await connectionsOnEveryProcess(multi, 2);
    for (const client of clients) {
      assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'GoneTopic' } })).code, ResponseCode.SUCCESS);
    }
    broker.connection.close();
    for (const client of clients) {
      await until(async () => (await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'GoneTopic' } })).code === ResponseCode.TOPIC_NOT_EXIST);
    }
    for (const client of clients) client.close();
  });

  it('a bad frame closes its own connection only', async () => {
    const broker = await register(multi.port, { brokerName: 'broker-bad', brokerAddr: '127.0.0.1:40911', topics: [topic('BadFrameTopic'), topic('BadFrameTopic2')] });
    const clients = await connectionsOnEveryProcess(multi, 2);
    const socket = net.connect({ host: '127.0.0.1', port: multi.port });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])); // announces a 2 GiB frame
    await closed;
    for (const client of clients) {
      const answer = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'BadFrameTopic' } });
      assert.equal(answer.code, ResponseCode.SUCCESS);
    }
    assert.equal((await broker.heartbeat()).code, ResponseCode.SUCCESS);
    for (const client of clients) client.close();
    broker.connection.close();
  });
});

describe('servingProcesses=2: stopping', () => {
  it('SIGTERM stops the serving processes and exits 0', async () => {
    const server = await startServer(2);
    const pids = [...(await connectionsByProcess(server)).keys()].map(Number);
    assert.equal(pids.length, 2);
    assert.equal(await stop(server), 0);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });

  it('a serving process that dies is replaced, and the brokers it served are unregistered', async () => {
    const server = await startServer(2);
    try {
      const broker = await register(server.port, { brokerName: 'broker-orphan', brokerAddr: '127.0.0.1:60911', topics: [topic('OrphanTopic'), topic('OrphanTopic2')] });
      const owners = await connectionsByProcess(server);
      const victim = [...owners].find(([, open]) => open > 0)![0];
      process.kill(Number(victim), 'SIGKILL');
      await until(async () => {
        const now = await connectionsByProcess(server);
        return now.size === 2 && !now.has(victim);
      });
      const client = await ClientConnection.connect({ host: '127.0.0.1', port: server.port, connectTimeoutMs: CALL_TIMEOUT_MS });
      await until(async () => (await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'OrphanTopic' } })).code === ResponseCode.TOPIC_NOT_EXIST);
      client.close();
      broker.connection.close();
    } finally {
      assert.equal(await stop(server), 0);
    }
  });

  it('the serving processes exit when the primary is killed', async () => {
    const server = await startServer(2);
    const pids = [...(await connectionsByProcess(server)).keys()].map(Number);
    server.bin.child.kill('SIGKILL');
    await server.bin.exited;
    await until(() => pids.every((pid) => !isAlive(pid)));
  });
});

describe('servingProcesses=2: accepting connections', () => {
  it('by default each serving process accepts from the listening socket it shares', async () => {
    const server = await startServer(2);
    try {
      const workers = [...(await connectionsByProcess(server)).keys()].map(Number);
      assert.equal(workers.length, 2);
      for (const pid of workers) assert.equal(holdsListeningSocket(pid, server.port), true, `serving process ${pid}`);
    } finally {
      assert.equal(await stop(server), 0);
    }
  });

  it('servingAcceptRoundRobin=true: the primary accepts and hands connections to the serving processes in turn', async () => {
    const server = await startServer(2, '--servingAcceptRoundRobin=true');
    const clients: ClientConnection[] = [];
    try {
      const workers = [...(await connectionsByProcess(server)).keys()].map(Number);
      for (const pid of workers) assert.equal(holdsListeningSocket(pid, server.port), false, `serving process ${pid}`);
      for (let i = 0; i < 6; i++) {
        const client = await ClientConnection.connect({ host: '127.0.0.1', port: server.port, connectTimeoutMs: CALL_TIMEOUT_MS });
        clients.push(client);
        await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'none', key: 'none' } });
      }
      await until(async () => [...(await connectionsByProcess(server)).values()].join() === '3,3');
    } finally {
      for (const client of clients) client.close();
      assert.equal(await stop(server), 0);
    }
  });
});

/** Whether process `pid` has the socket listening on 127.0.0.1:`port` among its descriptors (Linux /proc). */
function holdsListeningSocket(pid: number, port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const LISTEN = '0A';
  const inodes = readFileSync('/proc/net/tcp', 'latin1')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === local && fields[3] === LISTEN)
    .map((fields) => `socket:[${fields[9]}]`);
  assert.equal(inodes.length, 1, 'one listening socket');
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === inodes[0];
    } catch {
      return false;
    }
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
