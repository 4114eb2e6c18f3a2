import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerTopics, type TopicEntry } from '../../src/namesrv/route/broker-topics.js';

/** A registry stand-in: which broker names serve which topics now, one entry object per topic. */
function served() {
  const pairs = new Set<string>();
  const key = (topic: string, brokerName: string) => `${topic}\u0000${brokerName}`;
  const entries = new Map<string, TopicEntry>();
  const entryOf = (topic: string): TopicEntry => {
    let entry = entries.get(topic);
    if (!entry) entries.set(topic, (entry = { topic, has: (brokerName) => pairs.has(key(topic, brokerName)) }));
    return entry;
  };
  const index = new BrokerTopics();
  return {
    index,
    /** As the registry reports them: only a pair that was not there is added, only one that was is removed. */
    add(brokerName: string, topic: string) {
      if (pairs.has(key(topic, brokerName))) return;
      pairs.add(key(topic, brokerName));
      index.added(brokerName, entryOf(topic));
    },
    remove(brokerName: string, topic: string) {
      if (!pairs.delete(key(topic, brokerName))) return;
      index.removed(brokerName);
    },
  };
}

describe('topics per broker name', () => {
  it('counts exactly and lists what each broker name serves, each once', () => {
    const { index, add, remove } = served();
    add('broker-a', 'A');
    add('broker-a', 'B');
    add('broker-b', 'A');
    remove('broker-a', 'A');
    add('broker-a', 'A'); // back again: listed twice until compacted, but served once
    assert.equal(index.count('broker-a'), 2);
    assert.deepEqual(index.topicsOf('broker-a').sort(), ['A', 'B']);
    assert.deepEqual(index.topicsOf('broker-b'), ['A']);
    assert.deepEqual(index.topicsOf('nobody'), []);
    assert.equal(index.count('nobody'), 0);
  });

  it('offers every topic a broker name serves among its candidates, whatever came and went', () => {
    const { index, add, remove } = served();
    for (let round = 0; round < 50; round++) {
      for (let t = 0; t < 100; t++) add('broker-a', `T-${t}`);
      for (let t = 0; t < 100; t++) if ((t + round) % 3 !== 0) remove('broker-a', `T-${t}`);
      for (let t = 0; t < 100; t++) if ((t + round) % 3 !== 0) add('broker-a', `T-${t}`);
      if (round % 2) for (let t = 0; t < 100; t++) remove('broker-a', `T-${t}`);
    }
    // Round 49 removed everything; what it added before is gone again.
    assert.equal(index.count('broker-a'), 0);
    for (let t = 0; t < 10; t++) add('broker-a', `T-${t}`);
    const candidates = new Set(index.candidatesOf('broker-a').map((entry) => entry.topic));
    for (let t = 0; t < 10; t++) assert.ok(candidates.has(`T-${t}`));
    assert.equal(index.count('broker-a'), 10);
  });

  it('keeps a list within a constant factor of what its broker name serves, however long topics churn', () => {
    const { index, add, remove } = served();
    add('broker-a', 'kept');
    for (let i = 0; i < 100_000; i++) {
      add('broker-a', `churn-${i % 7}`);
      remove('broker-a', `churn-${i % 7}`);
    }
    assert.equal(index.count('broker-a'), 1);
    assert.ok(index.candidatesOf('broker-a').length <= 2 * 2 + 64, `${index.candidatesOf('broker-a').length} entries`);
    assert.deepEqual(index.topicsOf('broker-a'), ['kept']);
  });

  it('forgets a broker name', () => {
    const { index, add } = served();
    add('broker-a', 'A');
    assert.equal(index.size, 1);
    index.forget('broker-a');
    assert.equal(index.size, 0);
    assert.deepEqual(index.candidatesOf('broker-a'), []);
  });
});
