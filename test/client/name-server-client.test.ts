import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { NameServerBroadcastError, NameServerError, NameServerUnavailableError } from '../../src/client/namesrv/errors.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { Perm } from '../../src/protocol/route-types.js';
import { RemotingConnectionError, RemotingTimeoutError } from '../../src/remoting/errors.js';
import { CALL_TIMEOUT_MS, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { addressOf, deadAddress, registerFakeBroker, startBlackHole, startNameServers, startProxy, topic } from './helpers.js';

describe('NameServerClient against one NameServer', () => {
  let ns: RunningNameServer;
  let client: NameServerClient;

  before(async () => {
    ns = await startNameServer();
    await registerFakeBroker(ns, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', topics: [topic('TopicA'), topic('TopicB')] });
    await registerFakeBroker(ns, { brokerName: 'broker-b', brokerAddr: '127.0.0.1:10921', topics: [topic('TopicA', { writeQueueNums: 2 }), topic('TopicC')] });
    client = new NameServerClient({ nameServers: addressOf(ns), timeoutMs: CALL_TIMEOUT_MS });
  });

  after(async () => {
    await client.close();
    await ns.stop();
  });

  test('topic route lists each broker and its queues', async () => {
    const route = await client.getTopicRoute('TopicA');
    const names = route.brokerDatas.map((b) => b.brokerName).sort();
    assert.deepEqual(names, ['broker-a', 'broker-b']);
    const a = route.brokerDatas.find((b) => b.brokerName === 'broker-a')!;
    assert.equal(a.brokerAddrs.get(0), '127.0.0.1:10911');
    const qb = route.queueDatas.find((q) => q.brokerName === 'broker-b')!;
    assert.equal(qb.writeQueueNums, 2);
  });

  test('an unknown topic is a NameServerError with TOPIC_NOT_EXIST', async () => {
    await assert.rejects(client.getTopicRoute('NoSuchTopic'), (err: unknown) => {
      assert.ok(err instanceof NameServerError);
      assert.equal(err.code, ResponseCode.TOPIC_NOT_EXIST);
      assert.equal(err.address, addressOf(ns));
      return true;
    });
  });

  test('cluster info and topic lists', async () => {
    const info = await client.getClusterInfo();
    assert.deepEqual(Array.from(info.clusterAddrTable.get('DefaultCluster') ?? []).sort(), ['broker-a', 'broker-b']);
    const all = await client.getAllTopicList();
    assert.ok(all.topicList.includes('TopicA') && all.topicList.includes('TopicB'));
    const byCluster = await client.getTopicsByCluster('DefaultCluster');
    assert.ok(byCluster.topicList.includes('TopicB'));
    const system = await client.getSystemTopicList();
    assert.ok(system.topicList.includes('DefaultCluster'));
  });

  test('KV put, get, list and delete', async () => {
    await client.putKvConfig('NS_TEST', 'k1', 'v1');
    await client.putKvConfig('NS_TEST', 'k2', 'v2');
    assert.equal(await client.getKvConfig('NS_TEST', 'k1'), 'v1');
    assert.deepEqual(await client.getKvList('NS_TEST'), new Map([['k1', 'v1'], ['k2', 'v2']]));
    await client.deleteKvConfig('NS_TEST', 'k1');
    assert.equal(await client.getKvConfig('NS_TEST', 'k1'), null);
    assert.deepEqual(await client.getKvList('NO_SUCH_NAMESPACE'), new Map());
  });

  test('namesrv config get and update', async () => {
    await client.updateNamesrvConfig({ orderMessageEnable: 'true' });
    const configs = await client.getNamesrvConfig();
    assert.deepEqual(Array.from(configs.keys()), [addressOf(ns)]);
    assert.equal(configs.get(addressOf(ns))!.get('orderMessageEnable'), 'true');
    await client.updateNamesrvConfig({ orderMessageEnable: 'false' });
  });

  test('wipe and add write permission count the topics changed', async () => {
    assert.equal(await client.wipeWritePermOfBroker('broker-a'), 2);
    const wiped = await client.getTopicRoute('TopicB');
    assert.equal(wiped.queueDatas[0]!.perm & Perm.WRITE, 0);
    assert.equal(await client.addWritePermOfBroker('broker-a'), 2);
    const restored = await client.getTopicRoute('TopicB');
    assert.notEqual(restored.queueDatas[0]!.perm & Perm.WRITE, 0);
  });

  test('register and delete a topic', async () => {
    await client.registerTopic('TopicNew', [{ brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 }]);
    const route = await client.getTopicRoute('TopicNew');
    assert.equal(route.queueDatas[0]!.writeQueueNums, 8);
    await client.deleteTopicInNamesrv('TopicNew');
    await assert.rejects(client.getTopicRoute('TopicNew'), NameServerError);
  });

  test('data version and broker member group', async () => {
    const broker = { clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', brokerId: 0 };
    const same = await client.queryDataVersion(broker, { stateVersion: 0, timestamp: 1_795_639_716_197, counter: 1 });
    assert.equal(same.changed, false);
    assert.equal(same.dataVersion?.counter, 1);
    const other = await client.queryDataVersion(broker, { stateVersion: 0, timestamp: 1, counter: 99 });
    assert.equal(other.changed, true);
    const group = await client.getBrokerMemberGroup('DefaultCluster', 'broker-b');
    assert.equal(group?.brokerAddrs.get(0), '127.0.0.1:10921');
  });
});

describe('NameServerClient failover', () => {
  test('keeps answering across three NameServers while they stop one by one', async () => {
    const servers = await startNameServers(3);
    // Generous timeouts: a stopped NameServer fails at once (its connection is closed), never by timing out.
    const client = new NameServerClient({ nameServers: servers.map(addressOf).join(';'), timeoutMs: CALL_TIMEOUT_MS, connectTimeoutMs: CALL_TIMEOUT_MS });
    try {
      for (const ns of servers) await registerFakeBroker(ns);
      const running = new Set(servers);
      for (let round = 0; round < 2; round++) {
        const route = await client.getTopicRoute('TopicA');
        assert.equal(route.brokerDatas[0]!.brokerName, 'broker-a');
        const current = servers.find((ns) => addressOf(ns) === client.currentAddress);
        assert.ok(current && running.has(current), 'the answer came from a running NameServer');
        await current.stop();
        running.delete(current);
        const again = await client.getClusterInfo();
        assert.ok(again.brokerAddrTable.has('broker-a'));
        assert.ok(Array.from(running).some((ns) => addressOf(ns) === client.currentAddress), 'a running NameServer answered');
      }
    } finally {
      await client.close();
      await Promise.all(servers.map((ns) => ns.stop().catch(() => undefined)));
    }
  });

  test('fails over from a NameServer that does not answer in time, and passes it over afterwards', async (t) => {
    const ns = await startNameServer();
    // Two ways to the same NameServer; the one that answered first is then made to hang.
    const proxies = [await startProxy(addressOf(ns)), await startProxy(addressOf(ns))];
    const timeoutMs = CALL_TIMEOUT_MS;
    const client = new NameServerClient({ nameServers: proxies.map((p) => p.address), timeoutMs });
    try {
      await registerFakeBroker(ns);
      await client.getTopicRoute('TopicA');
      const hanging = proxies.find((p) => p.address === client.currentAddress)!;
      const other = proxies.find((p) => p !== hanging)!;
      hanging.hang();
      // Request timers run on a mock clock: the hanging one times out when told to, the other never does.
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const answer = client.getTopicRoute('TopicA');
      await hanging.swallowing();
      t.mock.timers.tick(timeoutMs);
      assert.equal((await answer).brokerDatas.length, 1);
      assert.equal(client.currentAddress, other.address);
      const swallowed = hanging.swallowed();
      for (let i = 0; i < 3; i++) {
        assert.equal((await client.getTopicRoute('TopicA')).brokerDatas.length, 1);
        assert.equal(client.currentAddress, other.address);
      }
      assert.equal(hanging.swallowed(), swallowed, 'the hanging NameServer is passed over once it failed');
    } finally {
      t.mock.timers.reset();
      await client.close();
      await Promise.all(proxies.map((p) => p.close()));
      await ns.stop();
    }
  });

  test('a request to a NameServer that never answers fails with a timeout', async (t) => {
    const hole = await startBlackHole();
    const client = new NameServerClient({ nameServers: hole.address, timeoutMs: 5000 });
    try {
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const answer = client.getClusterInfo();
      await hole.received();
      t.mock.timers.tick(5000);
      await assert.rejects(answer, (err: unknown) => {
        assert.ok(err instanceof NameServerUnavailableError);
        assert.ok(err.failures.get(hole.address) instanceof RemotingTimeoutError);
        return true;
      });
    } finally {
      t.mock.timers.reset();
      await client.close();
      await hole.close();
    }
  });

  test('reports every NameServer when none answers', async () => {
    const dead = [await deadAddress(), await deadAddress()];
    const client = new NameServerClient({ nameServers: dead.join(';') });
    try {
      await assert.rejects(client.getClusterInfo(), (err: unknown) => {
        assert.ok(err instanceof NameServerUnavailableError);
        assert.deepEqual(Array.from(err.failures.keys()).sort(), [...dead].sort());
        for (const failure of err.failures.values()) assert.ok(failure instanceof RemotingConnectionError, failure.message);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  test('a write sent to all NameServers names the ones that failed', async () => {
    const ns = await startNameServer();
    const dead = await deadAddress();
    const client = new NameServerClient({ nameServers: [addressOf(ns), dead], timeoutMs: CALL_TIMEOUT_MS });
    try {
      await assert.rejects(client.putKvConfig('NS', 'k', 'v'), (err: unknown) => {
        assert.ok(err instanceof NameServerBroadcastError);
        assert.deepEqual(Array.from(err.failures.keys()), [dead]);
        return true;
      });
      assert.equal(await client.getKvConfig('NS', 'k', { address: addressOf(ns) }), 'v', 'the live NameServer got the write');
    } finally {
      await client.close();
      await ns.stop();
    }
  });

  test('close ends every connection and later calls fail', async () => {
    const ns = await startNameServer();
    const client = new NameServerClient({ nameServers: addressOf(ns), timeoutMs: CALL_TIMEOUT_MS });
    try {
      await client.getClusterInfo();
      await client.close();
      await assert.rejects(client.getClusterInfo(), NameServerUnavailableError);
    } finally {
      await ns.stop();
    }
  });
});
