import { decodeCommand } from '../../src/remoting/command-codec.js';
import { findFrame, frameBytes } from '../fixtures/captures.js';

/** The body of one captured frame, taken from the frame's own bytes (not the decoded text). */
export function capturedBody(file: string, seq: number): Buffer {
  const frame = findFrame(file, (f) => f.seq === seq);
  const body = decodeCommand(frameBytes(frame).subarray(4)).body;
  if (!body) throw new Error(`${file} seq ${seq} has no body`);
  return Buffer.from(body);
}

/** Captured 4.9.8 text with what Java 5.x adds inserted after each marker (each marker must occur). */
export function with5xAdditions(text: string, additions: ReadonlyArray<readonly [after: string, insert: string]>): string {
  let out = text;
  for (const [after, insert] of additions) {
    const parts = out.split(after);
    if (parts.length < 2) throw new Error(`marker ${after} not found`);
    out = parts.join(after + insert);
  }
  return out;
}
