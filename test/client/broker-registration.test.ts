import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerRegistration, type RegistrationResult } from '../../src/client/broker/broker-registration.js';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { MQVersion } from '../../src/protocol/mq-version.js';
import type { TopicConfig, TopicConfigSerializeWrapper } from '../../src/protocol/route-types.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { addressOf, eventually, startBlackHole, startNameServers, topic } from './helpers.js';

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
};

async function knowsBroker(ns: RunningNameServer, brokerName = 'broker-a'): Promise<boolean> {
  const client = new NameServerClient({ nameServers: addressOf(ns), timeoutMs: 500 });
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
  const registration = new BrokerRegistration({
    ...broker,
    nameServers: [hole.address, ...servers.map(addressOf)],
    timeoutMs: 3000,
  });
  try {
    let settled = false;
    const started = registration.start().then((results) => {
      settled = true;
      return results;
    });
    await eventually(async () => (await knowsBroker(servers[0]!)) && (await knowsBroker(servers[1]!)), 1500, 'registration with the live NameServers');
    assert.equal(settled, false, 'the round still waits for the hanging NameServer');
    const results = await started;
    const failed = results.filter((r) => !r.ok).map((r) => r.nameServer);
    assert.deepEqual(failed, [hole.address]);
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
    timeoutMs: 500,
    onRegistered: (results) => rounds.push(results),
  });
  let restarted: RunningNameServer | null = null;
  try {
    const [result] = await registration.start();
    assert.equal(result!.ok, true);
    assert.ok(await knowsBroker(first));
    await first.stop();
    restarted = await startNameServer({ netty: { listenPort: port } });
    assert.equal(await knowsBroker(restarted), false, 'a fresh NameServer knows no broker');
    await eventually(() => knowsBroker(restarted!), 2000, 're-registration after the restart');
    assert.ok(rounds.length >= 2);
  } finally {
    await registration.close();
    await restarted?.stop();
  }
});

test('the compressed register body is understood', async () => {
  const ns = await startNameServer();
  const registration = new BrokerRegistration({ ...broker, nameServers: addressOf(ns), compressed: true });
  const client = new NameServerClient({ nameServers: addressOf(ns) });
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

test('the master answer names the HA address; close unregisters the broker', async () => {
  const ns = await startNameServer();
  const registration = new BrokerRegistration({
    ...broker,
    nameServers: addressOf(ns),
    brokerVersion: MQVersion.V5_3_3,
    enableActingMaster: true,
    heartbeatIntervalMs: 20,
  });
  try {
    const [result] = await registration.start();
    assert.ok(result!.ok);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.ok(await knowsBroker(ns));
    await registration.close();
    await eventually(async () => !(await knowsBroker(ns)), 2000, 'the broker to be unregistered');
  } finally {
    await registration.close();
    await ns.stop();
  }
});
