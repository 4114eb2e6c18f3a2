import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeptValue, KeptValues } from '../../src/util/kept-value.js';

/** A maker that counts its calls and makes a fresh object each time. */
function counter(): { make: () => { n: number }; calls: () => number } {
  let calls = 0;
  return { make: () => ({ n: ++calls }), calls: () => calls };
}

/** A maker of promises the test settles. */
function deferredMaker(): { make: () => Promise<{ n: number }>; settle: (ok: boolean) => void; calls: () => number } {
  let calls = 0;
  const settles: Array<(ok: boolean) => void> = [];
  return {
    make: () => {
      const n = ++calls;
      return new Promise((resolve, reject) => settles.push((ok) => (ok ? resolve({ n }) : reject(new Error(`made ${n}: failed`)))));
    },
    settle: (ok) => settles.shift()!(ok),
    calls: () => calls,
  };
}

describe('kept value', () => {
  it('is made once per generation, and again when the generation moves or it is cleared', () => {
    const kept = new KeptValue<{ n: number }>();
    const { make, calls } = counter();
    const first = kept.get(1, make);
    assert.equal(kept.get(1, make), first);
    assert.equal(calls(), 1);
    const second = kept.get(2, make);
    assert.notEqual(second, first);
    assert.equal(kept.get(2, make), second);
    kept.clear();
    assert.deepEqual(kept.get(2, make), { n: 3 });
  });

  it('shares one being made across generations, keeps it once made, and makes it afresh at the next generation', async () => {
    const kept = new KeptValue<{ n: number }>();
    const maker = deferredMaker();
    const making = kept.get(1, maker.make);
    assert.equal(kept.get(2, maker.make), making, 'asked meanwhile, at a later generation: the same promise');
    assert.equal(maker.calls(), 1);
    maker.settle(true);
    assert.deepEqual(await making, { n: 1 });
    assert.deepEqual(kept.get(1, maker.make), { n: 1 }, 'kept as the value itself once made');
    const again = kept.get(2, maker.make);
    assert.equal(maker.calls(), 2, 'the generation moved while it was made');
    maker.settle(true);
    assert.deepEqual(await again, { n: 2 });
  });

  it('makes a failed one again at the next ask', async () => {
    const kept = new KeptValue<{ n: number }>();
    const maker = deferredMaker();
    const failing = kept.get(1, maker.make);
    maker.settle(false);
    await assert.rejects(Promise.resolve(failing), /made 1: failed/);
    const retry = kept.get(1, maker.make);
    assert.notEqual(retry, failing);
    maker.settle(true);
    assert.deepEqual(await retry, { n: 2 });
  });
});

describe('kept values by name', () => {
  it('keeps one value per name, and lets every one go once more names than the limit come', () => {
    const kept = new KeptValues<{ n: number }>(2);
    const { make, calls } = counter();
    const a = kept.get('a', 1, make);
    const b = kept.get('b', 1, make);
    assert.equal(kept.get('a', 1, make), a);
    assert.equal(kept.get('b', 1, make), b);
    assert.equal(kept.size, 2);
    kept.get('c', 1, make);
    assert.equal(kept.size, 1, 'the third name started afresh');
    assert.notEqual(kept.get('a', 1, make), a);
    assert.equal(calls(), 4);
    kept.clear();
    assert.equal(kept.size, 0);
  });
});
