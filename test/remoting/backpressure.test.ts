import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { encodeCommand } from '../../src/remoting/command-codec.js';
import { FrameDecoder } from '../../src/remoting/frame-decoder.js';
import { createRequest, createResponse } from '../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import { silentLogger } from '../../src/util/logger.js';

describe('a client that does not read its answers', () => {
  it('is read no further while its answers pile up, and gets every answer once it reads', async () => {
    const big = Buffer.alloc(256 * 1024, 1);
    let handled = 0;
    const server = new RemotingServer({
      port: 0,
      host: '127.0.0.1',
      serverVersion: 479,
      logger: silentLogger(),
      maxPendingWriteBytes: 1024 * 1024,
      handler: (request) => {
        handled++;
        return createResponse(request, { code: 0, body: big }, 479);
      },
    });
    const { port } = await server.listen();
    const requests = 200;
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause();
    try {
      // One request per write, so the server sees them arrive over many reads.
      for (let opaque = 0; opaque < requests; opaque++) {
        socket.write(encodeCommand(createRequest({ code: 1, opaque })));
        await new Promise((r) => setTimeout(r, 1));
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(handled < requests, `the server stopped reading (handled ${handled} of ${requests})`);
    } catch (err) {
      socket.destroy();
      await server.close();
      throw err;
    }

    let answers = 0;
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    const done = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        decoder.push(chunk, () => {
          answers++;
          if (answers === requests) resolve();
        });
      });
    });
    socket.resume();
    await done;
    assert.equal(handled, requests);
    socket.destroy();
    await server.close();
  });
});
