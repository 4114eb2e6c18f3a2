import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { decodeCommand, encodeCommand } from '../../src/remoting/command-codec.js';
import { FrameDecoder } from '../../src/remoting/frame-decoder.js';
import { createRequest, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { FakeBroker } from '../support/fake-broker.js';

/** Opens a raw socket, writes bytes, and resolves with what came back once the server has closed it. */
function sendRaw(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined);
    // Only the server closes it: a server that kept the connection open would leave this waiting.
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('connect', () => socket.write(bytes));
  });
}

function frame(headerType: number, header: Buffer, body = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(8 + header.length + body.length);
  out.writeInt32BE(4 + header.length + body.length, 0);
  out.writeUInt32BE(((headerType << 24) | header.length) >>> 0, 4);
  header.copy(out, 8);
  body.copy(out, 8 + header.length);
  return out;
}

describe('bad input', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer({ frameMaxLength: 1024 * 1024 });
    await new FakeBroker(await ns.connect()).register();
  });
  after(() => ns.stop());

  const cases: Array<[string, Buffer]> = [
    ['a frame length below the minimum', Buffer.from('00000002abcd', 'hex')],
    ['a negative frame length', Buffer.from('ffffffff00000000', 'hex')],
    ['a frame length above the maximum', Buffer.from('7fffffff00000000', 'hex')],
    ['a header length larger than the frame', Buffer.from('000000060000ffff7b7d', 'hex')],
    ['a JSON header that does not parse', frame(0, Buffer.from('{"code":10'))],
    ['a JSON header that is not an object', frame(0, Buffer.from('[1,2,3]'))],
    ['an unknown serialize type', frame(7, Buffer.from('{}'))],
    ['a ROCKETMQ header cut short', frame(1, Buffer.from('0069', 'hex'))],
    ['a ROCKETMQ header with an oversized extFields length', frame(1, Buffer.from('0069000191000000010000000000000000' + '7fffffff', 'hex'))],
  ];
  for (const [name, bytes] of cases) {
    it(`closes the connection on ${name}, and the server carries on`, async () => {
      const received = await sendRaw(ns.port, bytes);
      assert.equal(received.length, 0, 'no answer to a stream that cannot be trusted');
      const response = await call(await ns.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' } });
      assert.equal(response.code, ResponseCode.SUCCESS);
    });
  }

  it('other connections are not disturbed by a bad one', async () => {
    const good = await ns.connect();
    await sendRaw(ns.port, Buffer.from('00000001ff', 'hex'));
    assert.ok(good.isOpen);
    assert.equal((await call(good, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
  });

  it('answers a register body that does not decode with an error, keeping the registry intact', async () => {
    const client = await ns.connect();
    const extFields = { brokerId: '0', clusterName: 'DefaultCluster', brokerAddr: '127.0.0.1:9', brokerName: 'broken', haServerAddr: '127.0.0.1:10', compressed: 'false' };
    for (const body of ['{"topicConfigSerializeWrapper":', '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"perm":"x"}}}}', 'null']) {
      const response = await call(client, RequestCode.REGISTER_BROKER, { extFields, body });
      assert.equal(response.code, ResponseCode.SYSTEM_ERROR, body);
      assert.ok(response.remark);
    }
    const compressed = await call(client, RequestCode.REGISTER_BROKER, { extFields: { ...extFields, compressed: 'true' }, body: Buffer.from('not deflate') });
    assert.equal(compressed.code, ResponseCode.SYSTEM_ERROR);
    const info = (await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).body!.toString();
    assert.doesNotMatch(info, /broken/);
  });

  it('answers a header field of the wrong type with an error', async () => {
    const response = await call(await ns.connect(), RequestCode.UNREGISTER_BROKER, {
      extFields: { brokerId: 'zero', clusterName: 'C', brokerAddr: 'a:1', brokerName: 'b' },
    });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark!, /brokerId/);
  });

  it('answers a QUERY_DATA_VERSION without a body with an error', async () => {
    const response = await call(await ns.connect(), RequestCode.QUERY_DATA_VERSION, {
      extFields: { brokerId: '0', clusterName: 'DefaultCluster', brokerAddr: '127.0.0.1:10911', brokerName: 'broker-a' },
    });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
  });

  it('answers an update body that is not a properties text with an error', async () => {
    const response = await call(await ns.connect(), RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'listenPort=\\uZZZZ\n' });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(response.remark, 'string2Properties error');
  });

  it('sends no answer to a oneway request', async () => {
    const client = await ns.connect();
    client.invokeOneway(createRequest({ code: RequestCode.PUT_KV_CONFIG, extFields: { namespace: 'OW', key: 'k', value: 'v' } }));
    const got = await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'OW', key: 'k' } });
    assert.deepEqual(got.extFields, { value: 'v' }, 'the oneway request was applied, and the next answer is the GET\'s own');
  });

  it('reassembles a request split across many writes', async () => {
    const bytes = encodeCommand(createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic: 'TopicA' }, opaque: 5 }));
    const response = await new Promise<RemotingCommand>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: ns.port }, async () => {
        for (const b of bytes) {
          socket.write(Buffer.from([b]));
          await new Promise((r) => setImmediate(r));
        }
      });
      const decoder = new FrameDecoder(1024 * 1024);
      socket.on('data', (chunk: Buffer) =>
        decoder.push(chunk, (f) => {
          socket.destroy();
          resolve(decodeCommand(f));
        }),
      );
    });
    assert.equal(response.opaque, 5);
    assert.equal(response.code, ResponseCode.SUCCESS);
  });
});
