import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseJson } from '../../src/json/lenient-json.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { decodeCommand, encodeCommand } from '../../src/remoting/command-codec.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import type { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { frameBytes, loadCapture, type CapturedFrame } from '../fixtures/captures.js';
import { call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

/**
 * Replays the requests a real Java 4.9.8 broker, mqadmin and test client sent, frame for frame,
 * and compares our answers with what the Java NameServer answered. Known, intended differences:
 * responses carry our version (479, Apache RocketMQ 5.3.3), 5.x writes `enableActingMaster` in
 * every BrokerData and `stateVersion` in every DataVersion, and 5.x answers unknown codes.
 */
const JAVA_VERSION = 409;
const OUR_VERSION = 479;

function as5x(body: string): string {
  return body.replace(/"cluster":"([^"]*)"\}/g, '"cluster":"$1","enableActingMaster":false}');
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'enableActingMaster' || k === 'stateVersion') continue;
      out[k] = normalize(v);
    }
    return out;
  }
  return value;
}

async function replay(client: ClientConnection, request: CapturedFrame): Promise<RemotingCommand> {
  const cmd = decodeCommand(frameBytes(request).subarray(4));
  return client.invoke(cmd);
}

function assertSameAnswer(ours: RemotingCommand, java: CapturedFrame, what: string): void {
  const expected = decodeCommand(frameBytes(java).subarray(4));
  assert.equal(ours.code, expected.code, `${what}: code`);
  assert.equal(ours.remark, expected.remark, `${what}: remark`);
  assert.equal(ours.flag, expected.flag, `${what}: flag`);
  assert.equal(ours.serializeType, expected.serializeType, `${what}: serialize type`);
  assert.equal(expected.version, JAVA_VERSION);
  assert.equal(ours.version, OUR_VERSION);
  assert.deepEqual(ours.extFields, expected.extFields, `${what}: extFields`);
  const ourBody = ours.body?.toString('utf8') ?? '';
  const javaBody = expected.body?.toString('utf8') ?? '';
  if (java.header.code === 0 && /^\{"brokerDatas"/.test(javaBody)) {
    assert.equal(ourBody, as5x(javaBody), `${what}: route body bytes`);
  } else if (javaBody.startsWith('{')) {
    assert.deepEqual(normalize(parseJson(ourBody)), normalize(parseJson(javaBody)), `${what}: body`);
  } else {
    assert.equal(ourBody, javaBody, `${what}: body`);
  }
}

describe('replaying frames captured from Java 4.9.8', () => {
  let ns: RunningNameServer;
  let broker: ClientConnection;
  const misc = loadCapture('05-misc-queries.jsonl');

  before(async () => {
    ns = await startNameServer();
    const admin = await ns.connect();
    for (const [namespace, key, value] of [
      ['NS', 'K', 'V'],
      ['NS', 'K2', 'hello'],
      ['ORDER_TOPIC_CONFIG', 'CapRouteTopic', 'broker-a:4'],
    ]) {
      await call(admin, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: namespace!, key: key!, value: value! } });
    }
    broker = await ns.connect();
  });
  after(() => ns.stop());

  it('answers the real broker\'s REGISTER_BROKER as Java did (order-topic table as body)', async () => {
    const request = misc.find((f) => f.seq === 1)!;
    assertSameAnswer(await replay(broker, request), misc.find((f) => f.seq === 2)!, 'register');
  });

  it('answers every route lookup of 04-route-versions byte for byte', async () => {
    const frames = loadCapture('04-route-versions.jsonl');
    const client = await ns.connect();
    for (const request of frames.filter((f) => f.from === 'client')) {
      const answer = frames.find((f) => f.from === 'server' && f.header.opaque === request.header.opaque)!;
      assertSameAnswer(await replay(client, request), answer, `${request.label} (seq ${request.seq})`);
    }
  });

  it('answers the misc queries of 05-misc-queries as Java did', async () => {
    const client = await ns.connect();
    const requests = misc.filter((f) => f.from === 'client' && f.conn !== 1 && f.header.code !== 9999);
    for (const request of requests) {
      const answer = misc.find((f) => f.from === 'server' && f.conn === request.conn && f.header.opaque === request.header.opaque)!;
      assertSameAnswer(await replay(client, request), answer, `${request.label} (seq ${request.seq})`);
    }
  });

  it('answers the broker\'s QUERY_DATA_VERSION and UNREGISTER_BROKER as Java did', async () => {
    for (const seq of [25, 38, 40]) {
      const request = misc.find((f) => f.seq === seq)!;
      const answer = misc.find((f) => f.from === 'server' && f.conn === 1 && f.header.opaque === request.header.opaque)!;
      assertSameAnswer(await replay(broker, request), answer, `seq ${seq}`);
    }
  });

  it('answers the unsupported code 9999 as 5.x does, where 4.9.8 stayed silent', async () => {
    const request = misc.find((f) => f.header.code === 9999)!;
    const answer = await replay(await ns.connect(), request);
    assert.equal(answer.code, 3);
  });

  it('answers mqadmin\'s blacklisted updateNamesrvConfig as Java did', async () => {
    const frames = loadCapture('03-mqadmin.jsonl');
    const request = frames.find((f) => f.seq === 44)!;
    assertSameAnswer(await replay(await ns.connect(), request), frames.find((f) => f.seq === 46)!, 'blacklisted update');
  });

  it('writes a response frame Java peers can read: the empty-extFields ROCKETMQ header is 21 bytes', async () => {
    const frames = loadCapture('02-broker-register-rocketmq.jsonl');
    const client = await ns.connect();
    const response = await replay(client, frames[0]!);
    const ours = encodeCommand(response);
    const java = frameBytes(frames[1]!);
    assert.equal(ours.readUInt32BE(4), 0x01000015, 'ROCKETMQ type, 21-byte header');
    assert.equal(java.readUInt32BE(4), 0x01000015);
    const header = (b: Buffer) => Buffer.concat([b.subarray(8, 11), b.subarray(13, 29)]); // all but the version
    assert.deepEqual(header(ours), header(java));
    assert.equal(ours.readInt16BE(11), OUR_VERSION);
  });
});
