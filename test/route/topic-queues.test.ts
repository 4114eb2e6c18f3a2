import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopicQueues } from '../../src/namesrv/route/topic-queues.js';

const q = (brokerName: string, writeQueueNums = 4) => ({ brokerName, readQueueNums: 4, writeQueueNums, perm: 6, topicSysFlag: 0 });

describe('a topic\'s queues per broker', () => {
  for (const brokers of [3, 40]) {
    it(`adds, replaces, finds and removes brokers (${brokers} brokers)`, () => {
      const queues = new TopicQueues();
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
});
