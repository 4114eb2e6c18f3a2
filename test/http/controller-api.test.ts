import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { startTestController } from '../controller/controller-harness.js';
import { getJson, httpGet } from '../support/http.js';
import { startNameServer, tempDir } from '../support/nameserver-harness.js';
import { startReplicasScenario, storeWhere, type ReplicasScenario } from '../support/replicas-scenario.js';

describe('GET /api/v1/controller', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function scenario(init: Parameters<typeof startReplicasScenario>[0] = {}): Promise<ReplicasScenario> {
    const started = await startReplicasScenario(init);
    cleanups.push(() => started.stop());
    return started;
  }

  test('without an embedded controller: enabled false, and nothing else', async () => {
    const ns = await startNameServer();
    cleanups.push(() => ns.stop());
    assert.deepEqual(await getJson(ns.httpPort!, '/api/v1/controller'), { status: 200, body: { enabled: false } });
  });

  test('a leading controller reports itself, its store and each broker set with its replicas\' heartbeats', async () => {
    const { ns, controller, master, slave, lone } = await scenario();
    const now = controller.clock.now();
    const { status, body } = await getJson(ns.httpPort!, '/api/v1/controller');
    assert.equal(status, 200);
    const replica = (id: number, address: string, maxOffset: string) => ({
      brokerId: id, address, inSync: true, alive: true, lastHeartbeatTimestamp: now, heartbeatAgeMs: 0, heartbeatTimeoutMs: 10_000, maxOffset,
    });
    assert.deepEqual(body, {
      enabled: true,
      address: controller.selfAddress,
      role: 'leader',
      reason: null,
      leaderAddress: controller.selfAddress,
      deciding: true,
      store: 'file',
      timestamp: now,
      brokerSets: [
        {
          cluster: 'DefaultCluster', brokerName: 'broker-a', masterBrokerId: 1, masterAddress: master.address,
          masterEpoch: 1, syncStateSetEpoch: 2, syncStateSet: [1, 2],
          replicas: [replica(1, master.address, '2048'), replica(2, slave.address, '1024')],
        },
        {
          cluster: 'DefaultCluster', brokerName: 'broker-b', masterBrokerId: 1, masterAddress: lone.address,
          masterEpoch: 1, syncStateSetEpoch: 1, syncStateSet: [1],
          replicas: [replica(1, lone.address, '512')],
        },
      ],
    });
  });

  test('a master silent past its timeout shows as not alive at once, and the slave as master once the scan elects it', async () => {
    const running = await scenario();
    const { ns, controller, master, slave } = running;
    const brokerA = async () => {
      const { body } = (await getJson(ns.httpPort!, '/api/v1/controller')) as { body: { brokerSets: Array<Record<string, unknown> & { replicas: Array<Record<string, unknown>> }> } };
      return body.brokerSets.find((s) => s.brokerName === 'broker-a')!;
    };
    const startedAt = controller.clock.now();
    await running.masterFallsSilent();
    const late = await brokerA();
    assert.equal(late.masterBrokerId, 1, 'no election before the scan');
    assert.deepEqual(
      late.replicas.map((r) => [r.brokerId, r.alive, r.lastHeartbeatTimestamp, r.heartbeatAgeMs]),
      [[1, false, startedAt, 10_001], [2, true, startedAt + 5_000, 5_001]],
    );

    await controller.service.scanHeartbeats();
    const elected = await brokerA();
    assert.deepEqual(
      { master: elected.masterBrokerId, address: elected.masterAddress, epoch: elected.masterEpoch, sss: elected.syncStateSet, sssEpoch: elected.syncStateSetEpoch },
      { master: 2, address: slave.address, epoch: 2, sss: [2], sssEpoch: 3 },
    );
    assert.deepEqual(
      elected.replicas.map((r) => ({ id: r.brokerId, address: r.address, inSync: r.inSync, alive: r.alive, last: r.lastHeartbeatTimestamp })),
      [
        { id: 1, address: master.address, inSync: false, alive: false, last: null },
        { id: 2, address: slave.address, inSync: true, alive: true, last: startedAt + 5_000 },
      ],
    );
  });

  test('a follower names the leader and reports no broker sets; an unavailable store says why', async () => {
    const peers = { controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868', controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:2379' };
    const ns = await startNameServer();
    cleanups.push(() => ns.stop());
    const follower = await startTestController(peers, { createStore: () => storeWhere({ role: 'follower', leaderAddress: '127.0.0.1:9868' }) });
    cleanups.push(() => follower.stop());
    ns.app.attachController(follower);
    const { body } = await getJson(ns.httpPort!, '/api/v1/controller');
    assert.deepEqual(body, {
      enabled: true, address: follower.selfAddress, role: 'follower', reason: null, leaderAddress: '127.0.0.1:9868', deciding: false,
      store: 'etcd', timestamp: follower.clock.now(), brokerSets: null,
    });

    const cut = await startTestController(peers, { createStore: () => storeWhere({ role: 'unavailable', reason: 'etcd unreachable: connect ECONNREFUSED' }) });
    cleanups.push(() => cut.stop());
    ns.app.attachController(cut);
    const unavailable = (await getJson(ns.httpPort!, '/api/v1/controller')).body as Record<string, unknown>;
    assert.deepEqual(
      [unavailable.role, unavailable.reason, unavailable.leaderAddress, unavailable.brokerSets],
      ['unavailable', 'etcd unreachable: connect ECONNREFUSED', null, null],
    );
  });

  test('with aclEnable=true it needs an account, and a reader account may read it', async () => {
    const home = tempDir('controller-api-acl-');
    const aclFile = path.join(home, 'plain_acl.yml');
    fs.writeFileSync(aclFile, 'accounts:\n  - {accessKey: reader, secretKey: "reader-secret", admin: false}\n');
    const { ns } = await scenario({ homeDir: home, security: { aclEnable: true, aclFile } });
    const refused = await httpGet(ns.httpPort!, '/api/v1/controller');
    assert.equal(refused.status, 401);
    assert.match(JSON.parse(refused.text).error, /needs an account of the ACL file/);
    const wrong = await httpGet(ns.httpPort!, '/api/v1/controller', { authorization: `Basic ${Buffer.from('reader:nope').toString('base64')}` });
    assert.equal(wrong.status, 401);
    const read = await httpGet(ns.httpPort!, '/api/v1/controller', { authorization: `Basic ${Buffer.from('reader:reader-secret').toString('base64')}` });
    assert.equal(read.status, 200);
    const body = JSON.parse(read.text) as { enabled: boolean; role: string; brokerSets: unknown[] };
    assert.deepEqual([body.enabled, body.role, body.brokerSets.length], [true, 'leader', 2]);
  });
});
