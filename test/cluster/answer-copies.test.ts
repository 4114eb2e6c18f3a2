import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnswerCopies } from '../../src/cluster/answer-copies.js';

const body = (n: number) => Buffer.alloc(n, 0x41);

test('keeps and serves a copy per variant and topic', () => {
  const copies = new AnswerCopies(1024 * 1024);
  copies.keep({ topic: 'T', variant: 'json' }, body(10));
  copies.keep({ topic: 'T', variant: 'zone:a' }, body(20));
  assert.equal(copies.get({ topic: 'T', variant: 'json' })?.length, 10);
  assert.equal(copies.get({ topic: 'T', variant: 'zone:a' })?.length, 20);
  assert.equal(copies.get({ topic: 'U', variant: 'json' }), undefined);
});

test('charges the keys: copies under ever new large zone names stay within the budget', () => {
  const budget = 1024 * 1024;
  const copies = new AnswerCopies(budget);
  const zone = 'z'.repeat(100_000);
  for (let i = 0; i < 1000; i++) {
    copies.keep({ topic: 'T', variant: `${zone}${i}` }, body(100));
    assert.ok(copies.bytes <= budget, `after ${i + 1} copies: ${copies.bytes} bytes`);
  }
  const kept = Array.from({ length: 1000 }, (_, i) => copies.get({ topic: 'T', variant: `${zone}${i}` })).filter(Boolean).length;
  assert.ok(kept >= 1 && kept <= budget / (2 * zone.length), `${kept} zone names of 100,000 characters kept`);
});

test('dropping a topic removes it everywhere, and a variant left empty with it', () => {
  const copies = new AnswerCopies(1024 * 1024);
  copies.keep({ topic: 'T', variant: 'zone:a' }, body(10));
  copies.keep({ topic: 'T', variant: 'json' }, body(10));
  copies.keep({ topic: 'U', variant: 'json' }, body(10));
  const both = copies.bytes;
  copies.drop(['T']);
  assert.equal(copies.get({ topic: 'T', variant: 'json' }), undefined);
  assert.equal(copies.get({ topic: 'T', variant: 'zone:a' }), undefined);
  assert.equal(copies.get({ topic: 'U', variant: 'json' })?.length, 10);
  copies.drop(['U']);
  assert.equal(copies.bytes, 0, `every byte given back (was ${both})`);
});

test('replacing a copy charges only the difference; past the budget the copies start afresh', () => {
  const copies = new AnswerCopies(10_000);
  copies.keep({ topic: 'T', variant: 'json' }, body(1000));
  const one = copies.bytes;
  copies.keep({ topic: 'T', variant: 'json' }, body(1000));
  assert.equal(copies.bytes, one);
  for (let i = 0; i < 20; i++) copies.keep({ topic: `T${i}`, variant: 'json' }, body(1000));
  assert.ok(copies.bytes <= 10_000);
  assert.equal(copies.get({ topic: 'T19', variant: 'json' })?.length, 1000, 'the newest copy is kept');
  copies.keep({ topic: 'huge', variant: 'json' }, body(20_000));
  assert.equal(copies.get({ topic: 'huge', variant: 'json' }), undefined, 'a copy larger than the budget is not kept');
});

test('equal bodies are kept once: many topics of one route shape cost their keys and one body', () => {
  const copies = new AnswerCopies(1024 * 1024);
  const shape = () => Buffer.from('{"brokerDatas":[{"brokerName":"broker-a"}],"queueDatas":[]}'.padEnd(2000, ' '));
  copies.keep({ topic: 'T0', variant: 'json' }, shape());
  const first = copies.bytes;
  for (let i = 1; i < 300; i++) copies.keep({ topic: `T${i}`, variant: 'json' }, shape());
  assert.ok(copies.bytes < first + 299 * 200, `300 copies of one 2,000-byte body: ${copies.bytes} bytes`);
  assert.equal(copies.get({ topic: 'T7', variant: 'json' }), copies.get({ topic: 'T8', variant: 'json' }), 'one Buffer');
  copies.keep({ topic: 'T7', variant: 'json' }, Buffer.from('changed'));
  assert.equal(copies.get({ topic: 'T7', variant: 'json' })?.toString(), 'changed');
  assert.equal(copies.get({ topic: 'T8', variant: 'json' })?.length, 2000, 'the others keep theirs');
  copies.drop(Array.from({ length: 300 }, (_, i) => `T${i}`));
  assert.equal(copies.bytes, 0, 'every byte given back');
});
