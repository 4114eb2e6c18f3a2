import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRegistry, registration, topicConfig, version } from './registry-helpers.js';

describe('route registry over a long uptime', () => {
  it('10,000 distinct brokers registered and gone leave every table at its starting size', () => {
    const { registry, clock } = makeRegistry({ supportActingMaster: true });
    const start = registry.footprint();
    const brokers = Array.from({ length: 10_000 }, (_, i) => ({
      clusterName: `cluster-${i % 7}`,
      brokerName: `broker-${i}`,
      brokerAddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:10911`,
      brokerId: 0,
      connectionId: i + 1,
      heartbeatTimeoutMillis: 10_000,
    }));
    for (const [i, b] of brokers.entries()) {
      // A refused first registration (one topic, unknown broker) must leave nothing either.
      assert.equal(registry.registerBroker(registration({ ...b, topics: [topicConfig(`only-${i}`)] })).outcome, 'refused');
      const topics = [topicConfig(`shared-${i % 100}`), topicConfig(`own-${i}`, { perm: i % 2 ? 6 : 4 })];
      const req = registration({ ...b, topics, bodyFingerprint: `f-${i}`, filterServerList: i % 3 ? [] : ['10.9.9.9:30000'] });
      if (i % 5 === 0) req.topicConfigWrapper.topicQueueMappingInfoMap = new Map([[`own-${i}`, { bname: b.brokerName }]]);
      registry.registerBroker(req);
      registry.registerUnchanged(b as never, `f-${i}`, version(2));
      if (i % 4 === 0) {
        const slave = { ...b, brokerId: 1, brokerAddr: b.brokerAddr.replace(':10911', ':10921'), connectionId: 100_000 + i, enableActingMaster: true };
        registry.registerBroker(registration({ ...slave, topics, bodyFingerprint: `s-${i}` }));
      }
    }
    assert.ok(registry.footprint().topics > 10_000);
    // They go in every way brokers go: unregistration, connection close, expiry.
    for (const [i, b] of brokers.entries()) {
      if (i % 3 === 0) registry.submitUnregister(b);
      else if (i % 3 === 1) registry.onConnectionClosed(b.connectionId);
      if (i % 4 === 0) registry.onConnectionClosed(100_000 + i);
      if (i % 1000 === 999) registry.flushUnregistrations(); // as the queue drains after each I/O turn
    }
    registry.flushUnregistrations();
    clock.advance(20_000);
    // The unregistration queue holds 3,000: a scan finding more leaves the rest to the next scan.
    while (registry.scanNotActiveBrokers() > 0) registry.flushUnregistrations();
    assert.deepEqual(registry.footprint(), start);
  });
});
