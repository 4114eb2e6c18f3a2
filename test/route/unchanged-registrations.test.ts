import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerRegistrationHeader } from '../../src/namesrv/route/route-registry.js';
import { makeRegistry, registration, topicConfig, version } from './registry-helpers.js';

const header: BrokerRegistrationHeader = {
  clusterName: 'DefaultCluster',
  brokerAddr: '10.0.0.1:10911',
  brokerName: 'broker-a',
  brokerId: 0,
  haServerAddr: '10.0.0.1:10912',
  connectionId: 1,
};

describe('route registry: re-registration of a body already applied', () => {
  it('skips a body applied in full, and moves the data version and liveness', () => {
    const { registry, clock } = makeRegistry();
    assert.equal(registry.registerUnchanged(header, 'f1', version(2)), null, 'unknown broker');
    registry.registerBroker(registration({ bodyFingerprint: 'f1', heartbeatTimeoutMillis: 10_000 }));
    clock.advance(9_000);
    const result = registry.registerUnchanged({ ...header, heartbeatTimeoutMillis: 10_000 }, 'f1', version(2));
    assert.deepEqual(result, { outcome: 'unchanged', haServerAddr: null, masterAddr: null });
    assert.deepEqual(registry.queryBrokerDataVersion('DefaultCluster', '10.0.0.1:10911'), version(2));
    clock.advance(9_000);
    assert.equal(registry.scanNotActiveBrokers(), 0, 'the skipped registration counted as a sign of life');
    assert.ok(registry.pickupTopicRoute('TopicA'));
  });

  it('keeps the data version of a whole-body fingerprint', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ bodyFingerprint: 'f1', dataVersion: version(7) }));
    assert.equal(registry.registerUnchanged(header, 'f1', null)?.outcome, 'unchanged');
    assert.deepEqual(registry.queryBrokerDataVersion('DefaultCluster', '10.0.0.1:10911'), version(7));
  });

  it('does not skip another body, another broker id or another address', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ bodyFingerprint: 'f1' }));
    assert.equal(registry.registerUnchanged(header, 'f2', version(1)), null);
    assert.equal(registry.registerUnchanged({ ...header, brokerId: 1 }, 'f1', version(1)), null);
    assert.equal(registry.registerUnchanged({ ...header, brokerAddr: '10.0.0.9:10911' }, 'f1', version(1)), null);
  });

  it('records nothing for a registration that took only missing topics (same data version)', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ bodyFingerprint: 'f1', topics: [topicConfig('T', { writeQueueNums: 8 }), topicConfig('U')] }));
    registry.registerBroker(registration({ bodyFingerprint: 'f2', topics: [topicConfig('T', { writeQueueNums: 5 }), topicConfig('U')] }));
    assert.equal(registry.pickupTopicRoute('T')!.queueDatas[0]!.writeQueueNums, 8, 'same version: kept');
    assert.equal(registry.registerUnchanged(header, 'f2', version(2)), null, 'f2 was not applied: it must be decoded');
    assert.equal(registry.registerUnchanged(header, 'f1', version(2)), null, 'and f1 no longer describes the registry alone');
  });

  it('stops skipping once anything touched the broker name\'s queues', () => {
    for (const touch of ['wipe', 'add', 'delete', 'registerTopic'] as const) {
      const { registry } = makeRegistry();
      registry.registerBroker(registration({ bodyFingerprint: 'f1' }));
      if (touch === 'wipe') registry.changeWritePermAtOnce('broker-a', 'wipe');
      if (touch === 'add') {
        registry.changeWritePermAtOnce('broker-a', 'wipe');
        registry.registerBroker(registration({ bodyFingerprint: 'f1' }));
        registry.changeWritePermAtOnce('broker-a', 'add');
      }
      if (touch === 'delete') registry.deleteTopic('TopicA');
      if (touch === 'registerTopic') {
        registry.registerTopic('Extra', [{ brokerName: 'broker-a', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }]);
      }
      assert.equal(registry.registerUnchanged(header, 'f1', version(1)), null, touch);
    }
  });

  it('a full registration re-arms it', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ bodyFingerprint: 'f1' }));
    registry.deleteTopic('TopicA');
    registry.registerBroker(registration({ bodyFingerprint: 'f1', dataVersion: version(2) }));
    assert.equal(registry.registerUnchanged(header, 'f1', version(3))?.outcome, 'unchanged');
  });

  it('does not skip a slave that has become the prime slave', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ enableActingMaster: true }));
    const slave = { ...header, brokerAddr: '10.0.0.2:10911', brokerId: 2, enableActingMaster: true, connectionId: 2 };
    registry.registerBroker(registration({ ...slave, bodyFingerprint: 's' }));
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.3:10911', enableActingMaster: true, connectionId: 3 }));
    assert.equal(registry.registerUnchanged(slave, 's', version(1))?.outcome, 'unchanged', 'still a plain slave');
    registry.unregisterBrokers([
      { clusterName: 'DefaultCluster', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 },
      { clusterName: 'DefaultCluster', brokerAddr: '10.0.0.3:10911', brokerName: 'broker-a', brokerId: 1 },
    ]);
    assert.equal(registry.registerUnchanged(slave, 's', version(1)), null, 'now the prime slave: its topics must be applied');
  });

  it('with deleteTopicWithBrokerRegistration, skips only when the broker serves exactly the body\'s topics', () => {
    const { registry, config } = makeRegistry();
    registry.registerBroker(registration({ topics: [topicConfig('A'), topicConfig('B'), topicConfig('C')] }));
    registry.registerBroker(registration({ bodyFingerprint: 'ab', dataVersion: version(2), topics: [topicConfig('A'), topicConfig('B')] }));
    assert.equal(registry.registerUnchanged(header, 'ab', version(2))?.outcome, 'unchanged', 'switch off: C may stay');
    config.deleteTopicWithBrokerRegistration = true;
    assert.equal(registry.registerUnchanged(header, 'ab', version(2)), null, 'switch on: C must go, so decode');
  });

  it('never skips a body with static-topic mappings', () => {
    const { registry } = makeRegistry();
    const req = registration({ bodyFingerprint: 'm' });
    req.topicConfigWrapper.topicQueueMappingInfoMap = new Map([['TopicA', { topic: 'TopicA', bname: 'broker-a', epoch: 1, totalQueues: 4, currIdMap: null } as never]]);
    registry.registerBroker(req);
    assert.equal(registry.registerUnchanged(header, 'm', version(2)), null);
  });
});

describe('route registry: changes reach the caches by themselves', () => {
  it('moves the brokers generation when a broker name joins another cluster at the same address', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    const brokers = registry.generations.brokers;
    registry.registerBroker(registration({ clusterName: 'Other', dataVersion: version(1) }));
    assert.ok(registry.generations.brokers > brokers, 'cluster info changed');
    assert.deepEqual([...registry.clusterInfo().clusterAddrTable.get('Other')!], ['broker-a']);
  });

  it('moves the brokers generation on zone and acting-master changes, and nothing for an identical re-registration', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ enableActingMaster: false }));
    const current = registry.generations.current;
    registry.registerBroker(registration({ enableActingMaster: false }));
    assert.equal(registry.generations.current, current);
    registry.registerBroker(registration({ enableActingMaster: false, zoneName: 'z1' }));
    assert.equal(registry.generations.brokers, current + 1);
    assert.deepEqual(registry.generations.topicsChangedSince(current), []);
  });
});
