import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameError } from '../../src/remoting/errors.js';
import { FrameDecoder } from '../../src/remoting/frame-decoder.js';
import { GatherBufferPool } from '../../src/remoting/gather-buffer-pool.js';

function frameOf(fill: number, size: number): Buffer {
  const frame = Buffer.alloc(4 + size, fill);
  frame.writeInt32BE(size, 0);
  return frame;
}

/** Feeds `bytes` in chunks of `step`, collecting copies of the frames. */
function feed(decoder: FrameDecoder, bytes: Buffer, step: number, onFrame: (frame: Buffer) => void = () => undefined): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += step) {
    decoder.push(bytes.subarray(at, at + step), (frame) => {
      frames.push(Buffer.from(frame));
      onFrame(frame);
    });
  }
  return frames;
}

describe('frame decoder', () => {
  it('splits frames however the stream is cut', () => {
    const bytes = Buffer.concat([frameOf(1, 10), frameOf(2, 300), frameOf(3, 4)]);
    for (const step of [1, 3, 7, 64, bytes.length]) {
      const frames = feed(new FrameDecoder(), bytes, step);
      assert.deepEqual(frames.map((f) => [f.length, f[0]]), [[10, 1], [300, 2], [4, 3]], `step ${step}`);
    }
  });

  it('refuses lengths out of range', () => {
    assert.throws(() => new FrameDecoder().push(Buffer.from('00000003', 'hex'), () => undefined), FrameError);
    assert.throws(() => new FrameDecoder(100).push(Buffer.from('00000100', 'hex'), () => undefined), FrameError);
  });

  it('reuses a gathering buffer only after the frame was recycled, keeping contents right', () => {
    const pool = new GatherBufferPool(1024 * 1024);
    const decoder = new FrameDecoder(1024 * 1024, pool);
    const buffers: ArrayBufferLike[] = [];
    const first = feed(decoder, frameOf(7, 50_000), 4096, (frame) => {
      buffers.push(frame.buffer);
      decoder.recycle(decoder.takeGathered());
    });
    const second = feed(decoder, frameOf(8, 40_000), 4096, (frame) => buffers.push(frame.buffer));
    const third = feed(decoder, frameOf(9, 40_000), 4096, (frame) => buffers.push(frame.buffer));
    assert.equal(first[0]!.every((b) => b === 7), true);
    assert.equal(second[0]!.every((b) => b === 8), true);
    assert.equal(third[0]!.every((b) => b === 9), true);
    assert.equal(buffers[1], buffers[0], 'the recycled buffer gathered the next large frame');
    assert.notEqual(buffers[2], buffers[1], 'a frame not recycled keeps its buffer to itself');
  });
});
