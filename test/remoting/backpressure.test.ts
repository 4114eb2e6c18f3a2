import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { decodeCommand, encodeCommand } from '../../src/remoting/command-codec.js';
import { FrameDecoder } from '../../src/remoting/frame-decoder.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createRequest, createResponse } from '../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import type { RequestHandler } from '../../src/remoting/connection/server-connection.js';

/** A server that stops reading a connection past 1 MiB pending, and tells of its pauses and resumptions. */
async function startServer(handler: RequestHandler, onLog: (msg: string) => void): Promise<{ server: RemotingServer; port: number }> {
  const logger = pino({ level: 'debug' }, { write: (line: string) => onLog((JSON.parse(line) as { msg: string }).msg) });
  const server = new RemotingServer({ port: 0, host: '127.0.0.1', serverVersion: 479, logger, maxPendingBytes: 1024 * 1024, handler });
  const { port } = await server.listen();
  return { server, port };
}

describe('a client that does not read its answers', () => {
  it('is read no further while its answers pile up, and gets every answer once it reads', async () => {
    let paused!: () => void;
    const readsPaused = new Promise<void>((resolve) => (paused = resolve));
    const big = Buffer.alloc(256 * 1024, 1);
    let handled = 0;
    const { server, port } = await startServer(
      (request) => {
        handled++;
        return createResponse(request, { code: 0, body: big }, 479);
      },
      (msg) => msg === 'requests and answers pile up, pausing reads' && paused(),
    );
    const requests = 200;
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const other = await ClientConnection.connect({ host: '127.0.0.1', port });
    socket.pause();
    try {
      // A read takes at most 64 KiB: requests this large reach the server over many reads,
      // whatever the timing. All 200 answers (50 MiB) are far more than socket buffers hold.
      const padding = Buffer.alloc(64 * 1024);
      for (let opaque = 0; opaque < requests; opaque++) socket.write(encodeCommand(createRequest({ code: 1, opaque, body: padding })));
      await readsPaused;
      const handledWhenPaused = handled;
      assert.ok(handledWhenPaused < requests, `the server stopped reading (handled ${handledWhenPaused} of ${requests})`);
      // A round trip on another connection: the server has run its loop since, and still not read.
      assert.equal((await other.invoke(createRequest({ code: 1 }), 60_000)).code, 0);
      assert.equal(handled, handledWhenPaused + 1, 'nothing more was read from the paused connection');
    } catch (err) {
      socket.destroy();
      other.close();
      await server.close();
      throw err;
    }

    const opaques: number[] = [];
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    const done = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        decoder.push(chunk, (frame) => {
          opaques.push(decodeCommand(frame).opaque);
          if (opaques.length === requests) resolve();
        });
      });
    });
    socket.resume();
    await done;
    assert.equal(handled, requests + 1);
    assert.deepEqual(opaques, Array.from({ length: requests }, (_, i) => i), 'every answer, in order');
    socket.destroy();
    other.close();
    await server.close();
  });

  it('is read no further while its requests wait for answers, and is read again once they are answered', async () => {
    let paused!: () => void;
    const readsPaused = new Promise<void>((resolve) => (paused = resolve));
    let resumed = false;
    const requests = 100;
    // Requests with a body are answered once released (a register body being decoded); others at once.
    const waiting: Array<() => void> = [];
    let handled = 0;
    const { server, port } = await startServer(
      (request) => {
        // Read them all: the server did not stop reading (the assertion below says so).
        if (++handled === requests) paused();
        const answer = createResponse(request, { code: 0 }, 479);
        if (request.body === null) return answer;
        return new Promise((resolve) => waiting.push(() => resolve(answer)));
      },
      (msg) => {
        if (msg === 'requests and answers pile up, pausing reads') paused();
        if (msg === 'caught up, resuming reads') resumed = true;
      },
    );
    const client = await ClientConnection.connect({ host: '127.0.0.1', port });
    const other = await ClientConnection.connect({ host: '127.0.0.1', port });
    try {
      const body = Buffer.alloc(64 * 1024, 7);
      const answers = Array.from({ length: requests }, (_, opaque) => client.invoke(createRequest({ code: 1, opaque, body }), 60_000));
      // Should an assertion fail, closing the client fails these too: the assertion is the news.
      for (const answer of answers) answer.catch(() => {});
      await readsPaused;
      const handledWhenPaused = handled;
      assert.ok(handledWhenPaused < requests, `the server stopped reading (handled ${handledWhenPaused} of ${requests})`);
      assert.ok(handledWhenPaused >= (1024 * 1024) / body.length, `it read up to its limit first (handled ${handledWhenPaused})`);
      // A round trip on another connection: the server has run its loop since, and still not read.
      assert.equal((await other.invoke(createRequest({ code: 1 }), 60_000)).code, 0);
      assert.equal(handled, handledWhenPaused + 1, 'nothing more was read from the paused connection');
      assert.equal(resumed, false);

      // Answering releases the connection; every request is then read and answered.
      const release = (): void => {
        for (const answer of waiting.splice(0)) answer();
        if (handled < requests + 1) setImmediate(release);
      };
      release();
      const codes = (await Promise.all(answers)).map((response) => response.code);
      assert.deepEqual(codes, Array<number>(requests).fill(0));
      assert.equal(handled, requests + 1);
      assert.equal(resumed, true);
    } finally {
      client.close();
      other.close();
      await server.close();
    }
  });
});

describe('requests awaiting answers across connections', () => {
  it('past the server\'s bound, every connection is read no further until answers bring the sum back under', async () => {
    let paused!: () => void;
    const serverPaused = new Promise<void>((resolve) => (paused = resolve));
    const waiting: Array<() => void> = [];
    const handledPlain: number[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => (JSON.parse(line) as { msg: string }).msg === 'requests awaiting answers pile up in the server, pausing reads' && paused() });
    // Each connection alone stays far under its own 1 MiB; three 100 KiB bodies pass the server's 256 KiB.
    const server = new RemotingServer({
      port: 0,
      host: '127.0.0.1',
      serverVersion: 479,
      logger,
      maxPendingBytes: 1024 * 1024,
      maxAwaitingBytes: 256 * 1024,
      handler: (request) => {
        const answer = createResponse(request, { code: 0 }, 479);
        if (request.body === null) {
          handledPlain.push(request.code);
          return answer;
        }
        return new Promise((resolve) => waiting.push(() => resolve(answer)));
      },
    });
    const { port } = await server.listen();
    const [bodies, plain, probe] = await Promise.all([0, 1, 2].map(() => ClientConnection.connect({ host: '127.0.0.1', port })));
    try {
      const body = Buffer.alloc(100 * 1024, 7);
      const awaited = [1, 2, 3].map((code) => bodies!.invoke(createRequest({ code, body }), 60_000));
      for (const answer of awaited) answer.catch(() => {});
      await serverPaused;
      // A connection that reads once more past the bound answers what it read, then stops.
      assert.equal((await plain!.invoke(createRequest({ code: 10 }), 60_000)).code, 0);
      const later = plain!.invoke(createRequest({ code: 11 }), 60_000);
      later.catch(() => {});
      // A round trip on a third connection: the server has run its loop since, and not read the second request.
      assert.equal((await probe!.invoke(createRequest({ code: 20 }), 60_000)).code, 0);
      assert.deepEqual(handledPlain, [10, 20]);

      for (const release of waiting.splice(0)) release();
      assert.equal((await later).code, 0, 'read and answered once the bodies were answered');
      assert.deepEqual((await Promise.all(awaited)).map((r) => r.code), [0, 0, 0]);
      assert.deepEqual(handledPlain, [10, 20, 11]);
    } finally {
      for (const c of [bodies, plain, probe]) c?.close();
      await server.close();
    }
  });
});
