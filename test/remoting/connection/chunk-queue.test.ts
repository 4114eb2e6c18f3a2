import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkQueue } from '../../../src/remoting/connection/chunk-queue.js';

function bytes(from: number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (from + i) & 0xff));
}

describe('chunk queue', () => {
  it('hands out bytes in order however they were cut, views when in one chunk', () => {
    const queue = new ChunkQueue();
    const whole = bytes(0, 10_000);
    for (const [at, size] of [[0, 3], [3, 5000], [5003, 1], [5004, 4996]] as const) queue.append(whole.subarray(at, at + size));
    assert.equal(queue.length, 10_000);
    assert.equal(queue.byteAt(5003), whole[5003]);
    assert.equal(queue.readInt32BE(), whole.readInt32BE(0));
    assert.deepEqual(queue.peek(8), whole.subarray(0, 8));
    assert.deepEqual(queue.consume(6), whole.subarray(0, 6));
    queue.skip(4);
    assert.deepEqual(queue.consume(9990), whole.subarray(10));
    assert.equal(queue.length, 0);
    assert.equal(queue.reservedBytes, 0);
  });

  it('holds a byte-at-a-time peer in memory that grows with what arrived', () => {
    const queue = new ChunkQueue();
    const sent = bytes(7, 200_000);
    for (let i = 0; i < sent.length; i++) {
      queue.append(sent.subarray(i, i + 1));
      assert.ok(queue.reservedBytes <= 2 * queue.length + 256, `${queue.reservedBytes} bytes reserved for ${queue.length}`);
    }
    assert.deepEqual(queue.consume(sent.length), sent);
  });

  it('never writes again over bytes it handed out', () => {
    const queue = new ChunkQueue();
    queue.append(bytes(0, 10_000));
    queue.append(Buffer.from([1, 2, 3]));
    queue.skip(10_000);
    const first = queue.consume(2);
    queue.append(Buffer.from([4, 5]));
    const rest = queue.consume(3);
    queue.append(Buffer.from([6, 7, 8]));
    assert.deepEqual([...first, ...rest], [1, 2, 3, 4, 5]);
    assert.deepEqual(queue.consume(3), Buffer.from([6, 7, 8]));
  });

  it('gives back everything it holds', () => {
    const queue = new ChunkQueue();
    queue.append(bytes(0, 5000));
    queue.append(Buffer.from([9]));
    queue.skip(10);
    const all = queue.takeAll();
    assert.deepEqual(Buffer.concat(all), Buffer.concat([bytes(10, 4990), Buffer.from([9])]));
    assert.equal(queue.length, 0);
  });
});
