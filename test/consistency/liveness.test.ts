import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compareNameServers } from '../../src/consistency/index.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const HEARTBEAT_TIMEOUT_MS = 3000;

describe('comparing NameServers never changes liveness', () => {
  let ns: RunningNameServer;
  let peer: RunningNameServer;

  before(async () => {
    [ns, peer] = await Promise.all([startNameServer(), startNameServer()]);
  });

  after(() => Promise.all([ns.stop(), peer.stop()]));

  test('a broker silent past its heartbeat timeout is dropped though comparisons ran while it was silent', async () => {
    for (const server of [ns, peer]) {
      const broker = new FakeBroker(await server.connect(), { brokerName: 'broker-a', topics: [topic('TopicTest'), topic('TopicB')], heartbeatTimeoutMillis: HEARTBEAT_TIMEOUT_MS });
      const registered = await broker.register();
      assert.equal(registered.code, 0, registered.remark ?? undefined);
    }
    const addresses = [`127.0.0.1:${ns.port}`, `127.0.0.1:${peer.port}`];

    // Just before the timeout, a comparison finds the broker on both (it asks about it by name and address).
    ns.clock.advance(HEARTBEAT_TIMEOUT_MS - 1);
    const report = await compareNameServers(addresses);
    assert.equal(report.agree, true);
    assert.deepEqual(report.nameServers.map((n) => n.brokers), [1, 1]);
    assert.equal(report.routes.compared, 2);

    // Past the timeout counted from the broker's last registration: had the comparison counted as a
    // sign of life, the broker would have 3 s more.
    ns.clock.advance(2);
    await compareNameServers(addresses);
    assert.equal(ns.server.scanNotActiveBrokers(), 1);
    await ns.server.registry.unregistrationsDrained();
    assert.equal(ns.server.registry.liveBrokerCount, 0);
    const after = await compareNameServers(addresses);
    assert.deepEqual(after.nameServers.map((n) => n.brokers), [0, 1]);
    assert.equal(after.agree, false);
  });
});
