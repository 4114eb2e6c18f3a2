/**
 * A calibration server (forked by the calibrate scenario): answers every request frame with the
 * same prebuilt response body, doing no work beyond framing. What the load generator reaches
 * against it is the ceiling this machine allows any NameServer in the same set-up.
 */
import net from 'node:net';
import { FrameDecoder } from '../src/remoting/frame-decoder.js';
import { readResponseHead } from './wire.js';

const bodyBytes = Number(process.argv[2] ?? 1800);
const body = Buffer.alloc(bodyBytes, 0x61);
const before = '{"code":0,"flag":1,"language":"JAVA","opaque":';
const after = ',"serializeTypeCurrentRPC":"JSON","version":479}';

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    const out: Buffer[] = [];
    try {
      decoder.push(chunk, (frame) => {
        const header = Buffer.from(before + readResponseHead(frame).opaque + after, 'latin1');
        const head = Buffer.allocUnsafe(8);
        head.writeInt32BE(4 + header.length + body.length, 0);
        head.writeInt32BE(header.length, 4);
        out.push(head, header, body);
      });
    } catch {
      socket.destroy();
      return;
    }
    if (out.length) socket.write(Buffer.concat(out));
  });
  socket.on('error', () => socket.destroy());
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as net.AddressInfo;
  process.send?.({ port: address.port });
});
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), 10 * 60_000).unref();
