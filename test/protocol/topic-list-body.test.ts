import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTopicList, encodeTopicList, topicListSteps } from '../../src/protocol/bodies/index.js';
import type { TopicList } from '../../src/protocol/route-types.js';
import { pauseEvery } from '../../src/util/slices.js';

/** Runs the steps, counting the pauses. */
function sliced(list: TopicList): { bytes: Buffer; pauses: number } {
  const steps = topicListSteps(list, pauseEvery(0, 1));
  for (let pauses = 0; ; pauses++) {
    const step = steps.next();
    if (step.done) return { bytes: step.value, pauses };
  }
}

describe('a topic list written in slices', () => {
  const many = Array.from({ length: 20_000 }, (_, i) => `Topic-${i}`);
  const cases: Array<[string, TopicList]> = [
    ['20,000 names', { topicList: many }],
    ['names given twice', { topicList: [...many.slice(0, 5000), ...many.slice(0, 100)] }],
    ['names that need escaping, and non-ASCII', { topicList: [...many.slice(0, 9000), 'quote"d', 'back\\slash', 'tab\there', 'ünï', ...many.slice(9000, 10_000)] }],
    ['a broker address', { topicList: many.slice(0, 5000), brokerAddr: '127.0.0.1:10911' }],
    ['no names', { topicList: [] }],
    ['one name', { topicList: ['only'] }],
  ];
  for (const [name, list] of cases) {
    it(`is byte for byte the list written at once: ${name}`, () => {
      const whole = encodeTopicList(list);
      const { bytes, pauses } = sliced(list);
      assert.ok(bytes.equals(whole));
      if (list.topicList.length >= 5000) assert.ok(pauses > 10, `paused ${pauses} times`);
      assert.deepEqual(new Set(decodeTopicList(bytes).topicList), new Set(list.topicList));
    });
  }
});
