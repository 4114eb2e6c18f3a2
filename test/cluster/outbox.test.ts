import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Outbox } from '../../src/cluster/outbox.js';

describe('messages from a serving process to the primary', () => {
  it('go at once while nothing waits', () => {
    const sent: string[] = [];
    const outbox = new Outbox<string>((m) => sent.push(m), assert.fail);
    outbox.send('a');
    outbox.send('b');
    assert.deepEqual(sent, ['a', 'b']);
    assert.equal(outbox.waiting, 0);
  });

  it('made after one not ready yet wait behind it, and go in the order they were made', () => {
    const sent: string[] = [];
    const outbox = new Outbox<string>((m) => sent.push(m), assert.fail);
    outbox.send('open');
    const request = outbox.reserve();
    outbox.send('closed');
    const body = outbox.reserve();
    outbox.send('report');
    assert.deepEqual(sent, ['open']);
    body('body');
    assert.deepEqual(sent, ['open'], 'the later one waits for the earlier');
    request('request');
    assert.deepEqual(sent, ['open', 'request', 'closed', 'body', 'report']);
    assert.equal(outbox.waiting, 0);
    outbox.send('next');
    assert.deepEqual(sent.at(-1), 'next');
  });

  it('a place is filled once', () => {
    const sent: string[] = [];
    const outbox = new Outbox<string>((m) => sent.push(m), assert.fail);
    const place = outbox.reserve();
    place('first');
    place('again');
    assert.deepEqual(sent, ['first']);
  });

  it('a message that cannot go once its place is filled is reported, not thrown, and those behind it still go', () => {
    const sent: string[] = [];
    const failed: string[] = [];
    const outbox = new Outbox<string>(
      (m) => {
        if (m === 'bad') throw new Error('cannot be sent');
        sent.push(m);
      },
      (err, m) => failed.push(`${m}: ${(err as Error).message}`),
    );
    const place = outbox.reserve();
    outbox.send('after');
    assert.doesNotThrow(() => place('bad'));
    assert.deepEqual(failed, ['bad: cannot be sent']);
    assert.deepEqual(sent, ['after']);
  });
});
