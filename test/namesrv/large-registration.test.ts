import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BroadcastChannel } from 'node:worker_threads';
import { deflateSync } from 'node:zlib';
import { pino } from 'pino';
import { zlibInflateChunks, type InflateChunks } from '../../src/namesrv/processors/register-body-inflater.js';
import { bodyCrc32 } from '../../src/protocol/body-crc.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { registerRequest, topic } from '../support/fake-broker.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import { call, startNameServer } from '../support/nameserver-harness.js';
import { GATE_CHANNEL, GATE_LISTENING, GATE_OPEN } from '../support/workers/gated-worker.js';

function largeRegistration(topicCount: number, counter: number, compressed = false) {
  // Each data version has different queue counts, so that its topics must be decoded again.
  const topics = Array.from({ length: topicCount }, (_, i) => topic(`Large-${i}`, { writeQueueNums: counter }));
  return registerRequest({ topics, dataVersion: { counter, timestamp: 1, stateVersion: 0 }, brokerName: 'big-broker', compressed });
}

describe('a registration with tens of thousands of topics', () => {
  it('is decoded off the event loop: a lookup sent while it decodes is answered at once', async () => {
    // The worker holds the body until the gate opens: whatever the timing, the lookup comes first.
    const gate = new BroadcastChannel(GATE_CHANNEL);
    const listening = new Promise<void>((resolve) => {
      gate.onmessage = (event) => (event as MessageEvent).data === GATE_LISTENING && resolve();
    });
    const ns = await startNameServer({}, silentLogger(), { registerBodyDecoder: { workerUrl: new URL('../support/workers/gated-worker.js', import.meta.url) } });
    try {
      const client = await ns.connect();
      // The worker is started, and listens for the gate, before the registration is sent.
      assert.equal(await ns.server.registerBodies.ready(), true);
      await listening;
      const registration = call(client, RequestCode.REGISTER_BROKER, largeRegistration(20_000, 1));
      const early = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Large-19999' } });
      assert.equal(early.code, ResponseCode.TOPIC_NOT_EXIST, 'answered while the registration was still decoding');
      gate.postMessage(GATE_OPEN);
      assert.equal((await registration).code, ResponseCode.SUCCESS);
      assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Large-19999' } })).code, ResponseCode.SUCCESS);
      assert.deepEqual(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911'), { counter: 1, timestamp: 1, stateVersion: 0 });
    } finally {
      gate.close();
      await ns.stop();
    }
  });

  it('registers compressed bodies through the same path', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      assert.equal((await call(client, RequestCode.REGISTER_BROKER, largeRegistration(30_000, 1, true))).code, ResponseCode.SUCCESS);
      assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Large-29999' } })).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });

  it('answers a large body that does not decode with an error and keeps serving', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const { extFields, body } = largeRegistration(20_000, 1);
      const broken = body.subarray(0, body.length - 10);
      const response = await call(client, RequestCode.REGISTER_BROKER, { extFields: { ...extFields, bodyCrc32: String(bodyCrc32(broken)) }, body: broken });
      assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
      assert.match(response.remark ?? '', /RegisterBrokerBody/);
      assert.equal((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });

  it('a broker\'s registrations apply in the order they were sent', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      // The large one waits for the worker; the small one, sent after it, must not overtake it.
      const [first, second] = await Promise.all([
        call(client, RequestCode.REGISTER_BROKER, largeRegistration(20_000, 1)),
        call(client, RequestCode.REGISTER_BROKER, largeRegistration(3, 2)),
      ]);
      assert.equal(first.code, ResponseCode.SUCCESS);
      assert.equal(second.code, ResponseCode.SUCCESS);
      assert.equal(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911')?.counter, 2, 'the later registration wins');
    } finally {
      await ns.stop();
    }
  });
});

describe('a compressed registration whose topics did not change', () => {
  it('takes the new data version without decoding the topics again', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const topics = Array.from({ length: 2000 }, (_, i) => topic(`Zipped-${i}`));
      const send = (counter: number) =>
        call(client, RequestCode.REGISTER_BROKER, registerRequest({ topics, dataVersion: { counter, timestamp: 1, stateVersion: 0 }, brokerName: 'zip-broker', compressed: true }));
      assert.equal((await send(1)).code, ResponseCode.SUCCESS);
      ns.server.registry.changeWritePermAtOnce('zip-broker', 'wipe'); // would be undone by a full registration with a new version
      assert.equal((await send(2)).code, ResponseCode.SUCCESS);
      assert.equal(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911')?.counter, 2);
      assert.equal(ns.server.registry.pickupTopicRoute('Zipped-1')!.queueDatas[0]!.perm, 6, 'after an admin change the topics are applied again');
      assert.equal((await send(3)).code, ResponseCode.SUCCESS);
      assert.equal(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911')?.counter, 3);
    } finally {
      await ns.stop();
    }
  });
});

describe('large registrations one after another', () => {
  it('each is read from its own bytes, whichever buffer gathered it', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      for (let counter = 1; counter <= 6; counter++) {
        // Alternate between unchanged topics (handled at once) and changed ones.
        const queues = counter % 2 === 0 ? counter - 1 : counter;
        const topics = Array.from({ length: 3000 }, (_, i) => topic(`Seq-${i}`, { writeQueueNums: queues }));
        const request = registerRequest({ topics, dataVersion: { counter, timestamp: 1, stateVersion: 0 }, brokerName: 'seq-broker' });
        assert.equal((await call(client, RequestCode.REGISTER_BROKER, request)).code, ResponseCode.SUCCESS);
        assert.equal(ns.server.registry.pickupTopicRoute('Seq-2999')!.queueDatas[0]!.writeQueueNums, queues, `registration ${counter}`);
        assert.equal(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911')?.counter, counter);
      }
    } finally {
      await ns.stop();
    }
  });
});

const MiB = 1024 * 1024;

/** A REGISTER_BROKER from `brokerName` whose compressed body is `body` (checksum and all). */
function compressedRegistration(body: Buffer, brokerName = 'bomb-broker', brokerAddr = '127.0.0.1:10911') {
  const { extFields } = registerRequest({ topics: [], dataVersion: { counter: 9, timestamp: 1, stateVersion: 0 }, brokerName, brokerAddr, compressed: true });
  return { extFields: { ...extFields, bodyCrc32: String(bodyCrc32(body)) }, body };
}

/** Counts the inflations of register bodies, and can hold one after its first chunk until `release`. */
function instrumentedInflate(options: { hold?: boolean } = {}) {
  let count = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const inflateChunks: InflateChunks = async function* (compressed) {
    count++;
    let first = true;
    for await (const chunk of zlibInflateChunks(compressed)) {
      yield chunk;
      if (first && options.hold) {
        holding(); // the server took the first chunk and asks for more
        await released;
      }
      first = false;
    }
  };
  return { inflateChunks, count: () => count, held, release };
}

/** A logger whose lines the test can read. */
function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }), lines };
}

describe('a compressed register body that inflates too far (a zlib bomb)', () => {
  const bomb = deflateSync(Buffer.alloc(16 * MiB)); // ~16 KB that inflate 1,000 times

  it('is refused by its ratio with a clear error and a log line; the registry and the connection stay as they were', async () => {
    const { logger, lines } = recordingLogger();
    const ns = await startNameServer({}, logger);
    try {
      const client = await ns.connect();
      const legit = registerRequest({ topics: [topic('Kept'), topic('Also-kept')], dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 }, brokerName: 'bomb-broker', compressed: true });
      assert.equal((await call(client, RequestCode.REGISTER_BROKER, legit)).code, ResponseCode.SUCCESS);
      const before = (await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).body?.toString();

      const refused = await call(client, RequestCode.REGISTER_BROKER, compressedRegistration(bomb));
      assert.equal(refused.code, ResponseCode.SYSTEM_ERROR);
      assert.match(refused.remark ?? '', /inflates to more than \d+ bytes \(registerBodyMaxInflateRatio=100 for its \d+ bytes\)/);
      const logged = lines.find((line) => line.msg === 'request refused');
      assert.match(String(logged?.remark), /registerBodyMaxInflateRatio/);

      // The same connection goes on, and nothing moved: not the broker's version, not its topics.
      assert.equal((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).body?.toString(), before);
      assert.deepEqual(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911'), { counter: 1, timestamp: 1, stateVersion: 0 });
      assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Kept' } })).code, ResponseCode.SUCCESS);
      // A bomb from a broker not registered yet registers nothing.
      const stranger = await call(client, RequestCode.REGISTER_BROKER, compressedRegistration(bomb, 'stranger', '127.0.0.1:20911'));
      assert.equal(stranger.code, ResponseCode.SYSTEM_ERROR);
      assert.equal(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:20911'), null);
    } finally {
      await ns.stop();
    }
  });

  it('is refused by its size when registerBodyMaxInflatedSize is lower than its ratio allows', async () => {
    const ns = await startNameServer({ registerBodyMaxInflatedSize: 2 * MiB, registerBodyMaxInflateRatio: 1_000_000 });
    try {
      const client = await ns.connect();
      const refused = await call(client, RequestCode.REGISTER_BROKER, compressedRegistration(bomb));
      assert.equal(refused.code, ResponseCode.SYSTEM_ERROR);
      assert.match(refused.remark ?? '', /inflates to more than 2097152 bytes \(registerBodyMaxInflatedSize=2097152\)/);
      assert.equal(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911'), null);
      assert.equal((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });

  it('cannot have its limits lifted by UPDATE_NAMESRV_CONFIG', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      for (const body of ['registerBodyMaxInflateRatio=1000000', 'registerBodyMaxInflatedSize=2147483647']) {
        assert.equal((await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body })).code, ResponseCode.NO_PERMISSION, body);
      }
      assert.deepEqual(ns.configuration.registerBodyLimits, { maxInflatedSize: 64 * MiB, maxInflateRatio: 100 });
      assert.equal((await call(client, RequestCode.REGISTER_BROKER, compressedRegistration(bomb))).code, ResponseCode.SYSTEM_ERROR);
    } finally {
      await ns.stop();
    }
  });

  it('does not hold up a route lookup on another connection while it inflates', async () => {
    const inflation = instrumentedInflate({ hold: true });
    const ns = await startNameServer({}, silentLogger(), { registerBodyDecoder: { inflateChunks: inflation.inflateChunks } });
    try {
      const broker = await ns.connect();
      const client = await ns.connect();
      let answered = false;
      const refused = call(broker, RequestCode.REGISTER_BROKER, compressedRegistration(bomb)).then((response) => ((answered = true), response));
      await inflation.held; // inflating: one chunk taken, the rest to come
      const lookup = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Anything' } });
      assert.equal(lookup.code, ResponseCode.TOPIC_NOT_EXIST);
      assert.equal(answered, false, 'the lookup was answered while the bomb was still inflating');
      inflation.release();
      assert.equal((await refused).code, ResponseCode.SYSTEM_ERROR);
    } finally {
      inflation.release();
      await ns.stop();
    }
  });
});

describe('a legitimate large compressed registration', () => {
  it('is inflated once per registration, whether its topics are decoded or known', async () => {
    const inflation = instrumentedInflate();
    const ns = await startNameServer({}, silentLogger(), { registerBodyDecoder: { inflateChunks: inflation.inflateChunks } });
    try {
      const client = await ns.connect();
      assert.equal((await call(client, RequestCode.REGISTER_BROKER, largeRegistration(30_000, 1, true))).code, ResponseCode.SUCCESS);
      assert.equal(inflation.count(), 1);
      assert.equal(ns.server.registry.pickupTopicRoute('Large-29999')!.queueDatas[0]!.writeQueueNums, 1);
      // Same topics, new data version: the fingerprint taken while inflating spares the decoding.
      const sameTopics = largeRegistration(30_000, 1, true);
      const renewed = registerRequest({
        topics: Array.from({ length: 30_000 }, (_, i) => topic(`Large-${i}`, { writeQueueNums: 1 })),
        dataVersion: { counter: 2, timestamp: 1, stateVersion: 0 },
        brokerName: 'big-broker',
        compressed: true,
      });
      assert.notDeepEqual(renewed.body, sameTopics.body);
      assert.equal((await call(client, RequestCode.REGISTER_BROKER, renewed)).code, ResponseCode.SUCCESS);
      assert.equal(inflation.count(), 2);
      assert.equal(ns.server.registry.queryBrokerDataVersion('DefaultCluster', '127.0.0.1:10911')?.counter, 2);
      // Changed topics: decoded from the one inflation.
      assert.equal((await call(client, RequestCode.REGISTER_BROKER, largeRegistration(30_000, 3, true))).code, ResponseCode.SUCCESS);
      assert.equal(inflation.count(), 3);
      assert.equal(ns.server.registry.pickupTopicRoute('Large-29999')!.queueDatas[0]!.writeQueueNums, 3);
    } finally {
      await ns.stop();
    }
  });
});
