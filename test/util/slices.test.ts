import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pauseEvery, runInSlices, runToEnd } from '../../src/util/slices.js';

function* counting(log: string[], steps: number): Generator<void, number> {
  for (let i = 0; i < steps; i++) {
    log.push(`step ${i}`);
    yield;
  }
  return steps;
}

describe('work in slices', () => {
  it('runToEnd runs every step at once', () => {
    const log: string[] = [];
    assert.equal(runToEnd(counting(log, 3)), 3);
    assert.deepEqual(log, ['step 0', 'step 1', 'step 2']);
  });

  it('runInSlices lets the event loop run between steps, and resolves with the result', async () => {
    const log: string[] = [];
    const done = runInSlices(counting(log, 3));
    // Queued after the first resumption: it runs before the one after.
    setImmediate(() => log.push('other work'));
    assert.equal(await done, 3);
    assert.deepEqual(log, ['step 0', 'step 1', 'other work', 'step 2']);
  });

  it('runInSlices rejects with what a step throws', async () => {
    function* failing(): Generator<void, number> {
      yield;
      throw new Error('bad step');
    }
    await assert.rejects(runInSlices(failing()), /bad step/);
  });

  it('runInSlices waits for a promise a step yields before the next step; runToEnd refuses to wait', async () => {
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (release = resolve));
    const log: string[] = [];
    function* waiting(): Generator<Promise<void> | void, string> {
      log.push('before');
      yield arrived;
      log.push('after');
      return 'done';
    }
    const run = runInSlices(waiting());
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['before'], 'still waiting');
    release();
    assert.equal(await run, 'done');
    assert.deepEqual(log, ['before', 'after']);
    assert.throws(() => runToEnd(waiting()), /cannot wait/);
  });

  it('pauseEvery reads the clock once per so many units, and pauses once the slice is over', () => {
    const over = pauseEvery(0, 3);
    assert.deepEqual([over(), over(), over(), over(), over(), over()], [false, false, true, false, false, true]);
    assert.equal(over(5), true, 'units are counted, not calls');
    const long = pauseEvery(60_000, 1);
    for (let i = 0; i < 10_000; i++) assert.equal(long(), false);
  });
});
