/**
 * The load generator's reading of a connection's answers, in the way Node offers for sockets it
 * connects (`net.connect({ onread })`): every read lands in one buffer shared by the process's
 * connections, frames are handed on as views of it, and only a frame split across reads is copied
 * (until it is whole). Without it each read costs a fresh buffer and the readable stream's push
 * and 'data' event: on a two-core machine that is CPU the server under test does not get.
 */

/** Node's suggested read size: libuv reads up to this much at a time. */
const READ_BUFFER_BYTES = 64 * 1024;

/** Larger answers mean a broken stream: a NameServer's frames are at most 16 MiB. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The buffer every connection of this process reads into; a frame handed on is valid only during its callback. */
export const sharedReadBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

/** Called with a frame's content (length prefix removed). */
export type FrameHandler = (frame: Buffer) => void;

export class ResponseReader {
  /** Copies of the bytes of a frame that spans reads, from its length prefix on. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes the held frame needs in all (4 while its length prefix is incomplete). */
  private needed = 0;

  constructor(private readonly onFrame: FrameHandler) {}

  /** Takes one read: `buffer[0, length)`. Throws on a length no NameServer sends. */
  read(length: number, buffer: Buffer): void {
    if (this.heldBytes === 0) {
      this.scan(buffer, length);
      return;
    }
    this.held.push(Buffer.from(buffer.subarray(0, length)));
    this.heldBytes += length;
    if (this.heldBytes < this.needed) return;
    const joined = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    this.scan(joined, joined.length);
  }

  private scan(bytes: Buffer, end: number): void {
    let at = 0;
    while (end - at >= 4) {
      const frameLength = bytes.readInt32BE(at);
      if (frameLength < 0 || frameLength > MAX_FRAME_BYTES) throw new Error(`frame length ${frameLength} out of range`);
      if (end - at - 4 < frameLength) break;
      this.onFrame(bytes.subarray(at + 4, at + 4 + frameLength));
      at += 4 + frameLength;
    }
    if (at === end) return;
    this.held.push(Buffer.from(bytes.subarray(at, end)));
    this.heldBytes = end - at;
    this.needed = this.heldBytes >= 4 ? 4 + bytes.readInt32BE(at) : 4;
  }
}
