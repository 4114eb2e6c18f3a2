import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import type { ExtFields } from '../../src/remoting/remoting-command.js';
import { TopicTableParts, topicRowsOf } from '../../src/namesrv/route/topic-rows.js';
import { HOLD_FROM_BYTES } from '../../src/namesrv/processors/held-register-body.js';
import { FakeBroker, registerRequest, topic } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';
import { ACL_FILE, PLAIN, replaceFile, send } from '../security/acl-harness.js';
import { oneOnEveryProcess } from '../support/serving-processes.js';

interface Route {
  brokerDatas: Array<{ brokerName: string }>;
  orderTopicConf?: string;
}

async function route(client: ClientConnection, extFields: ExtFields): Promise<Route> {
  const answer = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields });
  assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark ?? '');
  return bodyJson(answer) as Route;
}

const brokerNames = (r: Route): string[] => r.brokerDatas.map((b) => b.brokerName).sort();

describe('serving processes keep copies of zone-filtered and order-configured answers', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer({ servingProcesses: 2, namesrv: { orderMessageEnable: true } });
    for (const [brokerName, zoneName, brokerAddr] of [['broker-a', 'zone-a', '127.0.0.1:10911'], ['broker-b', 'zone-b', '127.0.0.1:10921']] as const) {
      const broker = new FakeBroker(await ns.connect(), { brokerName, zoneName, brokerAddr, topics: [topic('TopicA'), topic('TopicB')] });
      const registered = await broker.register();
      assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark ?? '');
    }
  });
  after(async () => {
    await ns?.stop();
  });

  it('answers a lookup for a zone from its copy, one copy per zone (compared without case)', async () => {
    const cluster = ns.server.servingCluster!;
    const [client] = await oneOnEveryProcess(ns);
    const zoneA = { topic: 'TopicA', zoneMode: 'true', zoneName: 'zone-a' };
    assert.deepEqual(brokerNames(await route(client!, zoneA)), ['broker-a']);
    const forwarded = cluster.forwardedCount;
    assert.deepEqual(brokerNames(await route(client!, zoneA)), ['broker-a']);
    assert.deepEqual(brokerNames(await route(client!, { ...zoneA, zoneName: ' ZONE-A ' })), ['broker-a']);
    assert.equal(cluster.forwardedCount, forwarded, 'answered from the copy');
    assert.deepEqual(brokerNames(await route(client!, { ...zoneA, zoneName: 'zone-b' })), ['broker-b']);
    assert.deepEqual(brokerNames(await route(client!, { topic: 'TopicA' })), ['broker-a', 'broker-b']);
    assert.equal(cluster.forwardedCount, forwarded + 2, 'another zone, and no zone, are other copies');
  });

  it('with orderMessageEnable, a KV change reaches every process before it is answered', async () => {
    const clients = await oneOnEveryProcess(ns);
    for (const client of clients) assert.equal((await route(client, { topic: 'TopicA' })).orderTopicConf, undefined);
    for (const value of ['broker-a:4', 'broker-a:4;broker-b:4']) {
      const put = await call(clients[0]!, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicA', value } });
      assert.equal(put.code, ResponseCode.SUCCESS);
      for (const client of clients) assert.equal((await route(client, { topic: 'TopicA' })).orderTopicConf, value);
    }
  });
});

describe('serving processes keep the word that a topic has no route', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer({ servingProcesses: 2 });
  });
  after(async () => {
    await ns?.stop();
  });

  const notFound = () => {
    const stats = [...ns.server.counters.requests.codes()].find((s) => s.code === 'GET_ROUTEINFO_BY_TOPIC');
    return stats?.failed.get(ResponseCode.TOPIC_NOT_EXIST) ?? 0;
  };

  it('answers it from the copy after the first lookup, as the primary did, until the topic is registered', async () => {
    const cluster = ns.server.servingCluster!;
    const [client] = await oneOnEveryProcess(ns);
    const first = await call(client!, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'LaterTopic' } });
    assert.equal(first.code, ResponseCode.TOPIC_NOT_EXIST);
    const forwarded = cluster.forwardedCount;
    for (let i = 0; i < 3; i++) {
      const again = await call(client!, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'LaterTopic' } });
      assert.equal(again.code, ResponseCode.TOPIC_NOT_EXIST);
      assert.equal(again.remark, first.remark, 'the primary\'s words');
      assert.equal(again.body, null);
    }
    assert.equal(cluster.forwardedCount, forwarded, 'answered from the copy');
    await cluster.collectReports();
    assert.equal(notFound(), 4, 'each counted as TOPIC_NOT_EXIST, the copies\' too');

    const broker = new FakeBroker(await ns.connect(), { brokerName: 'broker-late', brokerAddr: '127.0.0.1:10931', topics: [topic('LaterTopic'), topic('OtherTopic')] });
    const registered = await broker.register();
    assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark ?? '');
    assert.deepEqual(brokerNames(await route(client!, { topic: 'LaterTopic' })), ['broker-late'], 'the route, once its broker has the answer');
  });

  it('drops it once a large registration\'s rows naming the topic arrive, before they are applied', async () => {
    const cluster = ns.server.servingCluster!;
    const [client] = await oneOnEveryProcess(ns);
    const lookup = () => call(client!, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'RowsTopic' } });
    assert.equal((await lookup()).code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal((await lookup()).code, ResponseCode.TOPIC_NOT_EXIST, 'from the copy');

    const parts = new TopicTableParts();
    const dataVersion = { stateVersion: 0, timestamp: 1, counter: 1 };
    const applied = ns.server.registry.register({
      clusterName: 'DefaultCluster',
      brokerName: 'broker-rows',
      brokerAddr: '127.0.0.1:10941',
      brokerId: 0,
      haServerAddr: '',
      connectionId: null,
      fingerprint: null,
      decode: () => Promise.resolve({ dataVersion, parts }),
    });
    const filler = Array.from({ length: 3000 }, (_, i) => `Filler${i}`);
    parts.push(topicRowsOf(new Map([...filler, 'RowsTopic'].map((name) => [name, topic(name)]))));
    // The serving processes have taken whatever the primary sent before this report's request.
    await cluster.collectReports();
    const forwarded = cluster.forwardedCount;
    const early = await lookup();
    assert.equal(early.code, ResponseCode.SUCCESS, 'the word is dropped while the registration is still applied');
    assert.deepEqual(brokerNames(bodyJson(early) as Route), ['broker-rows']);
    assert.equal(cluster.forwardedCount, forwarded + 1, 'asked of the primary, which answers from the rows');

    parts.finish({ rest: topicRowsOf(new Map()), size: filler.length + 1, mappings: null, filterServerList: null });
    assert.equal((await applied).outcome, 'applied');
    assert.deepEqual(brokerNames(await route(client!, { topic: 'RowsTopic' })), ['broker-rows']);
  });
});

describe('serving processes hold large register bodies until the primary needs them', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer({ servingProcesses: 2 });
  });
  after(async () => {
    await ns?.stop();
  });

  const manyTopics = (extra: string[] = []) => [...Array.from({ length: 3_000 }, (_, i) => topic(`HeldTopic-${i}`)), ...extra.map((t) => topic(t))];

  it('a re-registration whose topics did not change never sends its body across; a changed one does, and is applied', async () => {
    const cluster = ns.server.servingCluster!;
    const { registrations } = ns.server.counters;
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'broker-big', brokerAddr: '127.0.0.1:10941', topics: manyTopics() });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.equal(cluster.registerBodiesFetched, 1, 'a first registration is decoded: its body is fetched');
    const client = await ns.connect();
    assert.deepEqual(brokerNames(await route(client, { topic: 'HeldTopic-2999' })), ['broker-big']);

    const unchangedBefore = registrations.unchanged;
    broker.dataVersion = { ...broker.dataVersion, counter: broker.dataVersion.counter + 1 };
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.equal(registrations.unchanged, unchangedBefore + 1);
    assert.equal(cluster.registerBodiesFetched, 1, 'the same topics with a new data version: the fingerprint was enough');

    broker.setTopics(manyTopics(['HeldTopicAdded']));
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.equal(cluster.registerBodiesFetched, 2);
    assert.deepEqual(brokerNames(await route(client, { topic: 'HeldTopicAdded' })), ['broker-big']);
  });

  it('a body that changed comes with its request through the primary\'s own directory, which keeps nothing once it is read', async () => {
    const cluster = ns.server.servingCluster!;
    const directory = cluster.bodyDirectory;
    assert.ok(directory, 'the primary made its directory');
    assert.equal(fs.statSync(directory).mode & 0o777, 0o700, 'readable by this user only');
    const fetched = cluster.registerBodiesFetched;
    const askedFor = cluster.registerBodiesAskedFor;
    const writtenAhead = cluster.registerBodiesWrittenAhead;
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'broker-dropped', brokerAddr: '127.0.0.1:10945', topics: manyTopics(['DroppedTopic']) });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.equal(cluster.registerBodiesFetched, fetched + 1);
    assert.equal(cluster.registerBodiesFromDirectory, fetched + 1, 'every fetched body came through the directory');
    assert.equal(cluster.registerBodiesAskedFor, askedFor, 'a first body on a connection came with its request: no round trip to ask for it');
    assert.equal(cluster.registerBodiesWrittenAhead, writtenAhead + 1);
    assert.deepEqual(brokerNames(await route(await ns.connect(), { topic: 'DroppedTopic' })), ['broker-dropped']);
    assert.deepEqual(fs.readdirSync(directory), [], 'the body\'s file was removed once read');

    // The same topics from a new connection: the worker cannot tell, the registry needs no decode; the file goes unread.
    const again = new FakeBroker(await ns.connect(), { brokerName: 'broker-dropped', brokerAddr: '127.0.0.1:10945', topics: manyTopics(['DroppedTopic']) });
    again.dataVersion = { ...broker.dataVersion, counter: broker.dataVersion.counter + 1 };
    assert.equal((await again.register()).code, ResponseCode.SUCCESS);
    assert.equal(cluster.registerBodiesFetched, fetched + 1, 'not fetched: unchanged');
    assert.equal(cluster.registerBodiesWrittenAhead, writtenAhead + 2, 'written ahead: the worker cannot tell');
    assert.deepEqual(fs.readdirSync(directory), [], 'the file nobody read was removed once the request was answered');
  });

  it('after an unregistration over its connection, the same body is written out ahead: the primary kept nothing to compare it with', async () => {
    const cluster = ns.server.servingCluster!;
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'broker-back', brokerAddr: '127.0.0.1:10947', topics: manyTopics(['BackTopic']) });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.equal((await broker.unregister()).code, ResponseCode.SUCCESS);
    await ns.server.registry.unregistrationsDrained();
    const [fetched, askedFor, writtenAhead] = [cluster.registerBodiesFetched, cluster.registerBodiesAskedFor, cluster.registerBodiesWrittenAhead];
    broker.dataVersion = { ...broker.dataVersion, counter: broker.dataVersion.counter + 1 };
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.equal(cluster.registerBodiesFetched, fetched + 1, 'decoded again');
    assert.equal(cluster.registerBodiesWrittenAhead, writtenAhead + 1);
    assert.equal(cluster.registerBodiesAskedFor, askedFor, 'no round trip to ask for it');
    assert.deepEqual(brokerNames(await route(await ns.connect(), { topic: 'BackTopic' })), ['broker-back']);
  });

  it('checks a held body against its crc32 once fetched, and refuses a mismatch', async () => {
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'broker-crc', brokerAddr: '127.0.0.1:10951', topics: manyTopics(['CrcTopic']) });
    const refused = await broker.register({ corruptCrc: true });
    assert.equal(refused.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(refused.remark, 'crc32 not match');
    const client = await ns.connect();
    const lookup = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'CrcTopic' } });
    assert.equal(lookup.code, ResponseCode.TOPIC_NOT_EXIST);
  });
});

describe('serving processes send held bodies through the channel when there is no directory for them', () => {
  it('a large registration is fetched and applied all the same, and the directory is gone after a stop', async () => {
    const withDirectory = await startNameServer({ servingProcesses: 2 });
    const directory = withDirectory.server.servingCluster!.bodyDirectory!;
    await withDirectory.stop();
    assert.equal(fs.existsSync(directory), false, 'removed when the serving processes stopped');

    const homeDir = tempDir('namesrv-no-tmp-');
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = path.join(homeDir, 'missing');
    let ns: RunningNameServer | undefined;
    try {
      ns = await startNameServer({ homeDir, servingProcesses: 2 });
      assert.equal(ns.server.servingCluster!.bodyDirectory, null);
      const topics = Array.from({ length: 3_000 }, (_, i) => topic(`ChannelTopic-${i}`));
      const broker = new FakeBroker(await ns.connect(), { brokerName: 'broker-channel', brokerAddr: '127.0.0.1:10947', topics });
      assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
      assert.equal(ns.server.servingCluster!.registerBodiesFetched, 1);
      assert.equal(ns.server.servingCluster!.registerBodiesFromDirectory, 0);
      assert.equal(ns.server.servingCluster!.registerBodiesAskedFor, 1, 'asked for through the channel');
      assert.deepEqual(brokerNames(await route(await ns.connect(), { topic: 'ChannelTopic-2999' })), ['broker-channel']);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
      await ns?.stop();
    }
  });
});

/** A registration of 3,000 topics: a body large enough for a serving process to hold. */
function largeRegistration(brokerName: string, port: number, topicPrefix: string) {
  return registerRequest({
    clusterName: 'DefaultCluster',
    brokerName,
    brokerId: 0,
    brokerAddr: `127.0.0.1:${port}`,
    topics: Array.from({ length: 3_000 }, (_, i) => topic(`${topicPrefix}-${i}`)),
    dataVersion: { stateVersion: 0, timestamp: 1_795_639_716_197, counter: 1 },
  });
}

describe('serving processes keep a signed register body with its request', () => {
  let ns: RunningNameServer;
  let aclFile: string;
  before(async () => {
    const home = tempDir('namesrv-held-acl-');
    aclFile = path.join(home, 'plain_acl.yml');
    fs.writeFileSync(aclFile, ACL_FILE);
    ns = await startNameServer({ homeDir: home, servingProcesses: 2, security: { aclEnable: true, aclBrokerRequests: true, aclFile } });
  });
  after(async () => {
    await ns?.stop();
  });

  it('a large signed registration is checked against the body it was signed with, and applied', async () => {
    const { extFields, body } = largeRegistration('broker-signed', 10961, 'SignedTopic');
    assert.ok(body.length >= HOLD_FROM_BYTES, 'a body a worker would hold were it not signed');
    const client = await ns.connect();
    const registered = await send(client, RequestCode.REGISTER_BROKER, { extFields, body, credentials: PLAIN });
    assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark ?? '');
    assert.equal(ns.server.servingCluster!.registerBodiesFetched, 0, 'the body came with its request');
    assert.deepEqual(brokerNames(await route(client, { topic: 'SignedTopic-2999' })), ['broker-signed']);
  });

  it('an unsigned large registration the ACL refuses is not written out ahead for the primary', async () => {
    const cluster = ns.server.servingCluster!;
    const { extFields, body } = largeRegistration('broker-unsigned', 10971, 'UnsignedTopic');
    assert.ok(body.length >= HOLD_FROM_BYTES, 'a body a worker holds');
    const client = await ns.connect();
    const refused = await send(client, RequestCode.REGISTER_BROKER, { extFields, body });
    assert.notEqual(refused.code, ResponseCode.SUCCESS, 'refused: unsigned');
    assert.equal(cluster.registerBodiesWrittenAhead, 0, 'nothing written for it');
    assert.equal(cluster.registerBodiesFetched, 0);
  });

  it('the same body, let through after an ACL change, is written out ahead: the refusal did not count as forwarded', async () => {
    const cluster = ns.server.servingCluster!;
    const { extFields, body } = largeRegistration('broker-let-through', 10981, 'LetThroughTopic');
    const client = await ns.connect();
    assert.equal((await send(client, RequestCode.REGISTER_BROKER, { extFields, body })).code, ResponseCode.NO_PERMISSION);
    const [writtenAhead, askedFor] = [cluster.registerBodiesWrittenAhead, cluster.registerBodiesAskedFor];

    const reloaded = new Promise<void>((resolve) => {
      const off = ns.server.accessControl!.onReload(() => {
        off();
        resolve();
      });
    });
    replaceFile(aclFile, `globalWhiteRemoteAddresses:\n  - 127.0.0.1\n${ACL_FILE.slice(ACL_FILE.indexOf('accounts:'))}`);
    await reloaded;
    // The primary sent the new rules to its serving processes as it read them: an answer forwarded
    // after that comes back on the same channel behind them, so this serving process has them now.
    const forwarded = cluster.forwardedCount;
    await send(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'NeverAskedTopic' } });
    assert.equal(cluster.forwardedCount, forwarded + 1, 'a lookup no copy answers is forwarded');

    const registered = await send(client, RequestCode.REGISTER_BROKER, { extFields, body });
    assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark ?? '');
    assert.equal(cluster.registerBodiesWrittenAhead, writtenAhead + 1, 'written out ahead');
    assert.equal(cluster.registerBodiesAskedFor, askedFor, 'not asked for');
  });
});
