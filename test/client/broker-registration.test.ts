import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerRegistration, type RegistrationResult } from '../../src/client/broker/broker-registration.js';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { MQVersion } from '../../src/protocol/mq-version.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import type { TopicConfig, TopicConfigSerializeWrapper } from '../../src/protocol/route-types.js';
import { ONEWAY_FLAG } from '../../src/remoting/remoting-command.js';
import { CALL_TIMEOUT_MS, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';
import { addressOf, startBlackHole, startNameServers, startRecordingNameServer, topic } from './helpers.js';

function topicTable(...topics: TopicConfig[]): () => TopicConfigSerializeWrapper {
  return () => ({
    dataVersion: { stateVersion: 0, timestamp: 1_700_000_000_000, counter: 1 },
    topicConfigTable: new Map(topics.map((t) => [t.topicName, t])),
  });
}

const broker = {
  clusterName: 'DefaultCluster',
  brokerName: 'broker-a',
  brokerId: 0,
  brokerAddr: '127.0.0.1:10911',
  topicConfig: topicTable(topic('TopicA'), topic('TopicB')),
  timeoutMs: CALL_TIMEOUT_MS,
};

async function knowsBroker(ns: RunningNameServer, brokerName = 'broker-a'): Promise<boolean> {
  const client = new NameServerClient({ nameServers: addressOf(ns), timeoutMs: CALL_TIMEOUT_MS });
  try {
    return (await client.getClusterInfo()).brokerAddrTable.has(brokerName);
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

test('registers with every NameServer in parallel; one that hangs delays no other', async () => {
  const servers = await startNameServers(2);
  const hole = await startBlackHole();
  // The hanging NameServer never answers and its timeout is far away: the round can only end when it goes.
  const registration = new BrokerRegistration({ ...broker, nameServers: [hole.address, ...servers.map(addressOf)] });
  try {
    let settled = false;
    const started = registration.start().then((results) => {
      settled = true;
      return results;
    });
    await until(async () => (await knowsBroker(servers[0]!)) && (await knowsBroker(servers[1]!)));
    assert.equal(settled, false, 'the round still waits for the hanging NameServer');
    await hole.close();
    const results = await started;
    assert.deepEqual(
      results.map((r) => [r.nameServer, r.ok]),
      [[hole.address, false], ...servers.map((ns) => [addressOf(ns), true])],
    );
  } finally {
    await registration.close();
    await hole.close();
    await Promise.all(servers.map((ns) => ns.stop()));
  }
});

test('a NameServer that restarts gets the broker again on the next interval', async () => {
  const first = await startNameServer();
  const port = first.port;
  const rounds: RegistrationResult[][] = [];
  const registration = new BrokerRegistration({
    ...broker,
    nameServers: `127.0.0.1:${port}`,
    registerIntervalMs: 100,
    onRegistered: (results) => rounds.push(results),
  });
  let restarted: RunningNameServer | null = null;
  try {
    const [result] = await registration.start();
    assert.equal(result!.ok, true);
    assert.ok(await knowsBroker(first));
    await first.stop();
    // Rounds from here on find no NameServer until the new one listens; how many run before it
    // does depends on how fast it starts (several processes take longer), so the fresh server may
    // already know the broker when start() resolves.
    const roundsBefore = rounds.length;
    restarted = await startNameServer({ netty: { listenPort: port } });
    await until(() => knowsBroker(restarted!));
    assert.ok(rounds.slice(roundsBefore).some((results) => results[0]?.ok), 'a later round registered it');
  } finally {
    await registration.close();
    await restarted?.stop();
  }
});

test('the compressed register body is understood', async () => {
  const ns = await startNameServer();
  const registration = new BrokerRegistration({ ...broker, nameServers: addressOf(ns), compressed: true });
  const client = new NameServerClient({ nameServers: addressOf(ns), timeoutMs: CALL_TIMEOUT_MS });
  try {
    const [result] = await registration.start();
    assert.equal(result!.ok, true, result!.ok ? '' : result!.error.message);
    const route = await client.getTopicRoute('TopicB');
    assert.equal(route.queueDatas[0]!.brokerName, 'broker-a');
  } finally {
    await client.close();
    await registration.close();
    await ns.stop();
  }
});

test('a slave is told its master\'s address and HA address; close unregisters both', async () => {
  const ns = await startNameServer();
  const master = new BrokerRegistration({ ...broker, nameServers: addressOf(ns) });
  const slave = new BrokerRegistration({ ...broker, nameServers: addressOf(ns), brokerId: 1, brokerAddr: '127.0.0.1:10921' });
  try {
    const [fromMaster] = await master.start();
    assert.deepEqual(fromMaster, { nameServer: addressOf(ns), ok: true, masterAddr: null, haServerAddr: null, orderTopicConfig: null });
    const [fromSlave] = await slave.start();
    assert.ok(fromSlave!.ok);
    assert.equal(fromSlave.masterAddr, '127.0.0.1:10911');
    assert.equal(fromSlave.haServerAddr, '127.0.0.1:10912');
    assert.ok(await knowsBroker(ns));
    await master.close();
    await slave.close();
    await ns.idle();
    assert.equal(await knowsBroker(ns), false);
  } finally {
    await master.close();
    await slave.close();
    await ns.stop();
  }
});

test('close sends UNREGISTER_BROKER before closing the connection', async () => {
  const nameServer = await startRecordingNameServer();
  const registration = new BrokerRegistration({ ...broker, nameServers: nameServer.address });
  try {
    await registration.start();
    await registration.close();
    const [unregister] = await nameServer.received(RequestCode.UNREGISTER_BROKER);
    assert.deepEqual(unregister!.extFields, { brokerAddr: '127.0.0.1:10911', brokerId: '0', brokerName: 'broker-a', clusterName: 'DefaultCluster' });
    assert.deepEqual(nameServer.requests.map((r) => r.code), [RequestCode.REGISTER_BROKER, RequestCode.UNREGISTER_BROKER]);
  } finally {
    await registration.close();
    await nameServer.close();
  }
});

test('a 5.x broker sends BROKER_HEARTBEAT (oneway) between registrations', async () => {
  const nameServer = await startRecordingNameServer();
  const registration = new BrokerRegistration({
    ...broker,
    nameServers: nameServer.address,
    brokerVersion: MQVersion.V5_3_3,
    enableActingMaster: true,
    registerIntervalMs: 3_600_000,
    heartbeatIntervalMs: 5,
  });
  try {
    await registration.start();
    const heartbeats = await nameServer.received(RequestCode.BROKER_HEARTBEAT, 3);
    for (const heartbeat of heartbeats) {
      assert.equal(heartbeat.flag & ONEWAY_FLAG, ONEWAY_FLAG);
      assert.deepEqual(heartbeat.extFields, { brokerAddr: '127.0.0.1:10911', brokerName: 'broker-a', clusterName: 'DefaultCluster' });
    }
    assert.equal((await nameServer.received(RequestCode.REGISTER_BROKER)).length, 1, 'heartbeats, not registrations');
  } finally {
    await registration.close();
    await nameServer.close();
  }
});

test('a 4.x broker heartbeats with a oneway QUERY_DATA_VERSION carrying its data version', async () => {
  const nameServer = await startRecordingNameServer();
  const registration = new BrokerRegistration({
    ...broker,
    nameServers: nameServer.address,
    brokerVersion: MQVersion.V4_9_4,
    registerIntervalMs: 3_600_000,
    heartbeatIntervalMs: 5,
  });
  try {
    await registration.start();
    const queries = await nameServer.received(RequestCode.QUERY_DATA_VERSION, 2);
    for (const query of queries) {
      assert.equal(query.flag & ONEWAY_FLAG, ONEWAY_FLAG);
      assert.equal(query.extFields?.brokerName, 'broker-a');
      assert.deepEqual(JSON.parse(query.body!.toString()), { counter: 1, stateVersion: 0, timestamp: 1_700_000_000_000 });
    }
    assert.equal(nameServer.requests.filter((r) => r.code === RequestCode.BROKER_HEARTBEAT).length, 0);
  } finally {
    await registration.close();
    await nameServer.close();
  }
});
