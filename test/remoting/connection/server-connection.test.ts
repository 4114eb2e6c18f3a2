import assert from 'node:assert/strict';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { encodeCommand } from '../../../src/remoting/command-codec.js';
import { parseTrustedProxies } from '../../../src/remoting/proxy-protocol/index.js';
import { ClientConnection } from '../../../src/remoting/remoting-client.js';
import { createRequest, createResponse } from '../../../src/remoting/remoting-command.js';
import { RemotingServer, type RemotingServerOptions } from '../../../src/remoting/remoting-server.js';
import { until } from '../../support/until.js';

interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const SIXTEEN_MIB = 16 * 1024 * 1024;

async function startServer(options: Partial<RemotingServerOptions> = {}) {
  const records: LogRecord[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) });
  const server = new RemotingServer({
    port: 0,
    host: '127.0.0.1',
    serverVersion: 479,
    logger,
    handler: (request) => createResponse(request, { code: 0 }, 479),
    ...options,
  });
  const { port } = await server.listen();
  return { server, port, records, logs: (msg: RegExp) => records.filter((r) => msg.test(r.msg)) };
}

function connectRaw(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
  });
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
}

function write(socket: net.Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(bytes, (err) => (err ? reject(err) : resolve())));
}

/** The first bytes of a frame announcing `contentLength` bytes, with `sent` of them. */
function frameStart(contentLength: number, sent: number): Buffer {
  const bytes = Buffer.alloc(4 + sent, 0x20);
  bytes.writeInt32BE(contentLength, 0);
  return bytes;
}

const ping = (client: ClientConnection) => client.invoke(createRequest({ code: 105 }), 60_000);

describe('a connection holds only the bytes it was sent', () => {
  it('many connections announcing 16 MiB frames raise the held bytes by what they sent, not what they announced', async () => {
    const { server, port } = await startServer();
    const sockets: net.Socket[] = [];
    try {
      const count = 100;
      const perConnection = 4 + 1000;
      for (let i = 0; i < count; i++) {
        const socket = await connectRaw(port);
        sockets.push(socket);
        await write(socket, frameStart(SIXTEEN_MIB - 4, 1000));
      }
      const sent = count * perConnection;
      await until(() => server.bufferedBytes >= sent);
      assert.ok(server.bufferedBytes <= 2 * sent, `${server.bufferedBytes} bytes held for ${sent} sent (${count} frames of 16 MiB announced)`);
      for (const socket of sockets) socket.destroy();
      await until(() => server.connectionCount === 0);
      assert.equal(server.bufferedBytes, 0, 'closed connections give their bytes back');
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.close();
    }
  });

  it('the connection that would go past the server budget is closed with a log line; the others go on', async () => {
    const { server, port, logs } = await startServer({ maxBufferedBytes: 10_000 });
    const first = await connectRaw(port);
    const second = await connectRaw(port);
    const client = await ClientConnection.connect({ host: '127.0.0.1', port });
    try {
      const request = encodeCommand(createRequest({ code: 105, opaque: 1, body: Buffer.alloc(7000, 1) }));
      await write(first, request.subarray(0, 6000));
      await until(() => server.bufferedBytes >= 6000);
      const firstHeld = server.bufferedBytes;
      const secondClosed = closed(second);
      second.on('error', () => undefined);
      await write(second, frameStart(100_000, 5000));
      await secondClosed;
      assert.equal(logs(/inputBufferMaxBytes/).length, 1);
      assert.equal(server.bufferedBytes, firstHeld, 'what the closed connection held is given back');

      const answered = new Promise<Buffer>((resolve) => first.once('data', resolve));
      await write(first, request.subarray(6000));
      assert.ok((await answered).length > 0, 'the first connection finished its request and got an answer');
      assert.equal((await ping(client)).code, 0);
      assert.equal(server.bufferedBytes, 0);
    } finally {
      first.destroy();
      second.destroy();
      client.close();
      await server.close();
    }
  });

  it('a frame longer than the largest allowed closes the connection when its length arrives', async () => {
    const { server, port, logs } = await startServer({ maxFrameLength: 1024 });
    const socket = await connectRaw(port);
    try {
      const gone = closed(socket);
      await write(socket, frameStart(SIXTEEN_MIB, 0));
      await gone;
      assert.equal(logs(/bad frame/).length, 1);
      assert.equal(server.bufferedBytes, 0);
    } finally {
      await server.close();
    }
  });
});

describe('a frame answered later', () => {
  it('is not held by its connection once its async handler has answered', async () => {
    v8.setFlagsFromString('--expose-gc');
    const collect = vm.runInNewContext('gc') as () => void;
    const seen: { body?: WeakRef<ArrayBufferLike> } = {};
    const { server, port } = await startServer({
      handler: async (request) => {
        // A body of a megabyte arrives in many reads: it is gathered into a buffer of its own.
        if (request.body) seen.body = new WeakRef(request.body.buffer);
        await new Promise(setImmediate);
        return createResponse(request, { code: 0 }, 479);
      },
    });
    const client = await ClientConnection.connect({ host: '127.0.0.1', port });
    try {
      const answer = await client.invoke(createRequest({ code: 103, body: Buffer.alloc(1024 * 1024, 0x41) }), 60_000);
      assert.equal(answer.code, 0);
      assert.ok(seen.body, 'the handler saw the body');
      // The connection stays open with no further frame: only the answered request could keep the body.
      await new Promise(setImmediate);
      collect();
      assert.equal(seen.body.deref(), undefined, 'the gathered body was collected');
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('unfinished parts of a connection are bounded in time', () => {
  it('a preamble never finished is closed after the stage timeout', async () => {
    const { server, port, logs } = await startServer({ stageTimeoutMs: 50, proxyProtocol: { trusted: parseTrustedProxies('') } });
    const socket = await connectRaw(port);
    try {
      const gone = closed(socket);
      await write(socket, Buffer.from('PROXY TCP4 192.0.2.1'));
      await gone;
      assert.equal(logs(/did not finish its preamble/).length, 1);
      assert.equal(server.acceptedCount, 0, 'never counted as a connection');
    } finally {
      await server.close();
    }
  });

  it('a frame started and never finished is closed after the stage timeout; a connection between frames is not', async () => {
    const { server, port, logs } = await startServer({ stageTimeoutMs: 50 });
    const between = await ClientConnection.connect({ host: '127.0.0.1', port });
    const partial = await connectRaw(port);
    try {
      // Start and finish a frame over two writes: the stage timer runs while it is unfinished.
      const request = encodeCommand(createRequest({ code: 105, opaque: 9, body: Buffer.alloc(100) }));
      const raw = between.rawSocket;
      raw.write(request.subarray(0, 50));
      raw.write(request.subarray(50));
      assert.equal((await ping(between)).code, 0);
      // Started after `between` finished its frames: closed only once the timeout has run past them.
      const gone = closed(partial);
      await write(partial, frameStart(1000, 10));
      await gone;
      assert.equal(logs(/did not finish a frame it started/).length, 1);
      assert.equal((await ping(between)).code, 0, 'a connection with no unfinished frame stays open');
    } finally {
      between.close();
      partial.destroy();
      await server.close();
    }
  });
});

describe('idle connections', () => {
  const proxyProtocol = { trusted: parseTrustedProxies('') };

  it('a peer that never sends a byte is closed by the idle timeout when that is no later than the stage timeout', async () => {
    const { server, port, logs } = await startServer({ idleTimeoutMs: 50, stageTimeoutMs: 50, proxyProtocol });
    const socket = await connectRaw(port);
    try {
      await closed(socket);
      assert.equal(logs(/closing idle connection/).length, 1);
      assert.equal(server.acceptedCount, 0, 'never counted as a connection');
    } finally {
      socket.destroy();
      await server.close();
    }
  });

  it('a connection that goes quiet after its requests is closed by the idle timeout, with or without a preamble to detect', async () => {
    for (const options of [{ proxyProtocol }, {}]) {
      const { server, port, logs } = await startServer({ idleTimeoutMs: 200, ...options });
      try {
        // A machine that stalls the server for the whole timeout between accept and the request
        // closes the connection first: then the case is tried again on a new connection.
        for (let attempt = 1; ; attempt++) {
          const client = await ClientConnection.connect({ host: '127.0.0.1', port });
          const gone = closed(client.rawSocket);
          const answered = await ping(client).then((r) => r.code === 0, () => false);
          await gone;
          client.close();
          if (answered) break;
          assert.ok(attempt < 5, 'the request was never read before the idle timeout');
        }
        const established = server.acceptedCount;
        assert.ok(established >= 1);
        assert.ok(logs(/closing idle connection/).length >= established, 'every connection closed by the idle timer');
      } finally {
        await server.close();
      }
    }
  });
});

describe('a peer that ends its side', () => {
  it('gets the answers to what it sent before, and the server closes the connection', async () => {
    for (const options of [{ proxyProtocol: { trusted: parseTrustedProxies('') } }, {}]) {
      const { server, port } = await startServer(options);
      try {
        const socket = await connectRaw(port);
        const received: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => received.push(chunk));
        const gone = closed(socket);
        const requests = [1, 2, 3].map((opaque) => encodeCommand(createRequest({ code: 105, opaque })));
        socket.end(Buffer.concat(requests));
        await gone;
        const bytes = Buffer.concat(received);
        let answers = 0;
        for (let at = 0; at + 4 <= bytes.length; at += 4 + bytes.readInt32BE(at)) answers++;
        assert.equal(answers, 3);
        await until(() => server.connectionCount === 0);
      } finally {
        await server.close();
      }
    }
  });
});

describe("a connection's peer address", () => {
  it('is the peer of the socket when read during a request, with debug logging off', async () => {
    const logger = pino({ level: 'info' }, { write: () => undefined });
    const { server, port } = await startServer({
      logger,
      proxyProtocol: { trusted: parseTrustedProxies('') },
      handler: (request, connection) => createResponse(request, { code: 0, remark: connection.remoteAddress }, 479),
    });
    const client = await ClientConnection.connect({ host: '127.0.0.1', port });
    try {
      const response = await ping(client);
      assert.equal(response.remark, `127.0.0.1:${client.rawSocket.localPort}`);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('nothing a peer sends throws out of a socket listener', () => {
  it('a parser that throws closes that connection with one log line; the server keeps serving', async () => {
    const { server, port, logs } = await startServer({
      proxyProtocol: {
        trusted: parseTrustedProxies('127.0.0.1'),
        parse: () => {
          throw new TypeError('parser bug');
        },
      },
    });
    const bystander = await ClientConnection.connect({ host: '127.0.0.1', port });
    try {
      for (let i = 0; i < 3; i++) {
        const socket = await connectRaw(port);
        const gone = closed(socket);
        await write(socket, Buffer.from('PROXY TCP4 192.0.2.1 10.0.0.1 1 2\r\n'));
        await gone;
      }
      assert.equal(logs(/malformed PROXY protocol header/).length, 3);
      assert.ok(logs(/malformed PROXY/).every((r) => /parser bug/.test(String(r.err))));
      assert.equal((await ping(bystander)).code, 0);
      const fresh = await ClientConnection.connect({ host: '127.0.0.1', port });
      assert.equal((await ping(fresh)).code, 0, 'a connection without a header is not parsed at all');
      fresh.close();
    } finally {
      bystander.close();
      await server.close();
    }
  });

  it('an answer that cannot be written, given later by an async handler, closes that connection with a log line', async () => {
    let calls = 0;
    const { server, port, logs } = await startServer({
      handler: async (request) => {
        const response = createResponse(request, { code: 0 }, 479);
        if (calls++ > 0) return response;
        return Object.defineProperty(response, 'body', {
          get() {
            throw new TypeError('unwritable answer');
          },
        });
      },
    });
    const doomed = await connectRaw(port);
    try {
      const gone = closed(doomed);
      await write(doomed, encodeCommand(createRequest({ code: 105, opaque: 1 })));
      await gone;
      assert.equal(logs(/unexpected error/).length, 1);
      const client = await ClientConnection.connect({ host: '127.0.0.1', port });
      assert.equal((await ping(client)).code, 0);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('a handler that throws gets its request an error answer, and the connection goes on', async () => {
    let calls = 0;
    const { server, port } = await startServer({
      handler: (request) => {
        if (calls++ === 0) throw new Error('handler bug');
        return createResponse(request, { code: 0 }, 479);
      },
    });
    const client = await ClientConnection.connect({ host: '127.0.0.1', port });
    try {
      const failed = await ping(client);
      assert.equal(failed.code, 1);
      assert.match(failed.remark ?? '', /handler bug/);
      assert.equal((await ping(client)).code, 0);
    } finally {
      client.close();
      await server.close();
    }
  });
});
