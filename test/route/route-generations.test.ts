import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOURNAL_SIZE, RouteGenerations } from '../../src/namesrv/route/route-generations.js';

describe('route generations', () => {
  it('lists the topics changed since a generation, oldest first, repeats included', () => {
    const g = new RouteGenerations();
    g.topicChanged('A', true);
    const afterA = g.current;
    g.brokersChanged(false);
    g.topicChanged('B', false);
    g.topicChanged('A', false);
    assert.deepEqual(g.topicsChangedSince(afterA), ['B', 'A']);
    assert.deepEqual(g.topicsChangedSince(g.current), []);
    assert.deepEqual(g.topicsChangedSince(0), ['A', 'B', 'A']);
  });

  it('remembers a whole 20,000-topic registration, and says when a reader is further behind than it remembers', () => {
    const g = new RouteGenerations();
    for (let i = 0; i < 100; i++) g.topicChanged(`Old-${i}`, true);
    const before = g.current;
    for (let i = 0; i < 20_000; i++) g.topicChanged(`T-${i}`, true);
    const changed = g.topicsChangedSince(before)!;
    assert.equal(changed.length, 20_000);
    assert.equal(changed[0], 'T-0');
    assert.equal(changed[19_999], 'T-19999');
    assert.equal(g.topicsChangedSince(before, 19_999), null, 'more than the reader takes one by one');
    assert.equal(g.topicsChangedSince(before, 20_000)?.length, 20_000);
    for (let i = 0; i < JOURNAL_SIZE; i++) g.topicChanged(`U-${i}`, false);
    assert.equal(g.topicsChangedSince(before), null, 'the journal no longer reaches that far back');
    const recent = g.current - 5;
    assert.deepEqual(g.topicsChangedSince(recent), [1, 2, 3, 4, 5].map((n) => `U-${JOURNAL_SIZE - 6 + n}`));
  });

  it('moves the routed brokers generation only for a change routes show', () => {
    const g = new RouteGenerations();
    g.brokersChanged(false);
    assert.equal(g.routedBrokers, 0);
    assert.ok(g.brokers > 0);
    g.brokersChanged(true);
    assert.equal(g.routedBrokers, g.brokers);
  });
});
