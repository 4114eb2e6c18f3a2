import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopicQueues } from '../../src/namesrv/route/topic-queues.js';

const q = (brokerName: string, writeQueueNums = 4) => ({ brokerName, readQueueNums: 4, writeQueueNums, perm: 6, topicSysFlag: 0 });

describe('a topic\'s queues per broker', () => {
  for (const brokers of [3, 17, 40]) {
    it(`adds, replaces, finds and removes brokers (${brokers} brokers)`, () => {
      const queues = new TopicQueues('Topic');
      for (let i = 0; i < brokers; i++) queues.set(q(`b${i}`));
      assert.equal(queues.size, brokers);
      queues.set(q('b1', 16));
      assert.equal(queues.size, brokers, 'replaced, not added');
      assert.equal(queues.get('b1')?.writeQueueNums, 16);
      assert.equal(queues.has('nobody'), false);
      assert.equal(queues.delete('b0'), true);
      assert.equal(queues.delete('b0'), false);
      assert.equal(queues.get('b2')?.brokerName, 'b2', 'found after a removal shifted the others');
      assert.deepEqual(queues.brokerNames(), Array.from({ length: brokers - 1 }, (_, i) => `b${i + 1}`));
      assert.equal(queues.first()?.brokerName, 'b1');
    });
  }

  it('a topic on one broker: its queues, replaced, removed, and the next broker first again', () => {
    const queues = new TopicQueues('Topic', q('only'));
    assert.equal(queues.size, 1);
    assert.deepEqual(queues.values(), [q('only')]);
    queues.set(q('only', 8));
    assert.equal(queues.get('only')?.writeQueueNums, 8);
    assert.equal(queues.size, 1);
    assert.equal(queues.delete('only'), true);
    assert.equal(queues.size, 0);
    assert.equal(queues.first(), undefined);
    assert.deepEqual(queues.values(), []);
    assert.equal(queues.has('only'), false);
    queues.set(q('next'));
    queues.set(q('after'));
    assert.deepEqual(queues.brokerNames(), ['next', 'after']);
    assert.equal(queues.delete('next'), true, 'the first goes: the second takes its place');
    assert.deepEqual(queues.brokerNames(), ['after']);
    assert.equal(queues.brokerNameAt(0), 'after');
    assert.equal(queues.get('after')?.brokerName, 'after');
  });

  it('keeps finding brokers by name as it grows past and shrinks below the indexed size', () => {
    const queues = new TopicQueues('Topic');
    for (let i = 0; i < 20; i++) queues.set(q(`b${i}`));
    for (let i = 0; i < 18; i++) {
      assert.equal(queues.delete(`b${i}`), true);
      for (let j = i + 1; j < 20; j++) assert.equal(queues.get(`b${j}`)?.brokerName, `b${j}`, `after removing b0..b${i}`);
      assert.equal(queues.brokerNameAt(0), `b${i + 1}`);
    }
    assert.deepEqual(queues.brokerNames(), ['b18', 'b19']);
  });
});
