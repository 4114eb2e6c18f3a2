import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { encodeCommand } from '../../../src/remoting/command-codec.js';
import { readDirect } from '../../../src/remoting/connection/direct-read.js';
import { ClientConnection } from '../../../src/remoting/remoting-client.js';
import { createRequest, createResponse, type RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { parseTrustedProxies } from '../../../src/remoting/proxy-protocol/index.js';
import { RemotingServer, type RemotingServerOptions } from '../../../src/remoting/remoting-server.js';
import { silentLogger } from '../../../src/util/logger.js';
import { until } from '../../support/until.js';

function connectRaw(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
  });
}

function write(socket: net.Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(bytes, (err) => (err ? reject(err) : resolve())));
}

const withBody = (opaque: number, fill: number, size: number) =>
  encodeCommand(createRequest({ code: 310, opaque, extFields: { topic: `t${opaque}` }, body: Buffer.alloc(size, fill) }));

describe('connections read into one shared buffer', () => {
  const servers: RemotingServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  async function start(
    handler: (request: RemotingCommand) => RemotingCommand | null | Promise<RemotingCommand | null>,
    options: Partial<RemotingServerOptions> = {},
  ) {
    const server = new RemotingServer({ port: 0, host: '127.0.0.1', serverVersion: 479, logger: silentLogger(), handler, ...options });
    servers.push(server);
    return (await server.listen()).port;
  }

  it('this Node lets an accepted socket be read directly (else the stream path serves, and these tests prove less)', async () => {
    const server = net.createServer((socket) => {
      assert.equal(readDirect(socket, () => undefined), true);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = await connectRaw((server.address() as net.AddressInfo).port);
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps the start of a frame intact while other connections\' reads reuse the buffer', async () => {
    const bodies: Buffer[] = [];
    const port = await start((request) => {
      bodies[request.opaque] = request.body!;
      return createResponse(request, { code: 0 }, 479);
    });
    const slow = await connectRaw(port);
    const frame = withBody(1, 0x61, 3000);
    await write(slow, frame.subarray(0, 1500));
    // Others fill the shared buffer meanwhile, with different bytes.
    const others = await Promise.all([2, 3, 4].map(() => ClientConnection.connect({ host: '127.0.0.1', port })));
    await Promise.all(others.map((c, i) => c.invoke(createRequest({ code: 310, opaque: 0, body: Buffer.alloc(8000, 0x62 + i) }), 60_000)));
    await write(slow, frame.subarray(1500));
    await until(() => bodies[1] !== undefined);
    assert.deepEqual(bodies[1], Buffer.alloc(3000, 0x61));
    for (const c of others) c.close();
    slow.destroy();
  });

  it('gives a handler that answers later a body of its own, not a view of the reused buffer', async () => {
    const held: Array<() => void> = [];
    const port = await start(
      (request) =>
        new Promise((resolve) => {
          const body = request.body;
          held.push(() => resolve(createResponse(request, { code: 0, body: body ? Buffer.from(body) : null }, 479)));
        }),
    );
    const first = await ClientConnection.connect({ host: '127.0.0.1', port });
    const second = await ClientConnection.connect({ host: '127.0.0.1', port });
    const a = first.invoke(createRequest({ code: 310, body: Buffer.alloc(500, 0x41) }), 60_000);
    await until(() => held.length === 1);
    const b = second.invoke(createRequest({ code: 310, body: Buffer.alloc(500, 0x42) }), 60_000);
    await until(() => held.length === 2);
    for (const release of held) release();
    assert.deepEqual((await a).body, Buffer.alloc(500, 0x41));
    assert.deepEqual((await b).body, Buffer.alloc(500, 0x42));
    first.close();
    second.close();
  });

  it('reads frames that arrive a byte at a time, and many frames in one read', async () => {
    const seen: number[] = [];
    const port = await start((request) => {
      seen.push(request.opaque);
      return null;
    });
    const socket = await connectRaw(port);
    const one = withBody(1, 0x31, 40);
    for (const byte of one) await write(socket, Buffer.of(byte));
    await until(() => seen.length === 1);
    await write(socket, Buffer.concat([2, 3, 4, 5].map((o) => withBody(o, 0x30 + o, 10 * o))));
    await until(() => seen.length === 5);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    socket.destroy();
  });

  it('reads frames directly after a PROXY header too: a frame begun in the header\'s read and ended later arrives intact', async () => {
    const bodies: Buffer[] = [];
    const port = await start(
      (request) => {
        bodies[request.opaque] = request.body!;
        return createResponse(request, { code: 0 }, 479);
      },
      { proxyProtocol: { trusted: parseTrustedProxies('127.0.0.1') } },
    );
    const slow = await connectRaw(port);
    const frame = withBody(1, 0x61, 3000);
    await write(slow, Buffer.concat([Buffer.from('PROXY TCP4 192.0.2.7 192.0.2.1 4000 9876\r\n'), frame.subarray(0, 1500)]));
    const others = await Promise.all([2, 3].map(() => ClientConnection.connect({ host: '127.0.0.1', port })));
    await Promise.all(others.map((c, i) => c.invoke(createRequest({ code: 310, opaque: 0, body: Buffer.alloc(8000, 0x62 + i) }), 60_000)));
    await write(slow, frame.subarray(1500, 2000));
    await Promise.all(others.map((c, i) => c.invoke(createRequest({ code: 310, opaque: 0, body: Buffer.alloc(8000, 0x64 + i) }), 60_000)));
    await write(slow, Buffer.concat([frame.subarray(2000), withBody(2, 0x65, 700)]));
    await until(() => bodies[2] !== undefined);
    assert.deepEqual(bodies[1], Buffer.alloc(3000, 0x61));
    assert.deepEqual(bodies[2], Buffer.alloc(700, 0x65));
    for (const c of others) c.close();
    slow.destroy();
  });
});
