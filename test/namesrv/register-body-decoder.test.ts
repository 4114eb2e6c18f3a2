import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { RegisterBodyDecoder } from '../../src/namesrv/processors/register-body-decoder.js';
import { topicNamesOf } from '../../src/namesrv/route/topic-rows.js';
import { zlibInflateChunks, type InflateChunks } from '../../src/namesrv/processors/register-body-inflater.js';
import { BodyDecodeError } from '../../src/protocol/request-error.js';
import { bodyCrc32 } from '../../src/protocol/body-crc.js';
import { BodyCrcMismatch } from '../../src/namesrv/processors/register-body-job.js';
import { silentLogger } from '../../src/util/logger.js';
import { registerRequest, topic } from '../support/fake-broker.js';
import { wholeBody } from '../support/registration-body.js';
import { call, startNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';

const { body } = registerRequest({ topics: [topic('A'), topic('B')], dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } });
const workerUrl = (name: string) => new URL(`../support/workers/${name}.js`, import.meta.url);

describe('the register body decoder worker', () => {
  it('decodes on the worker once it is up', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      assert.equal(await decoder.ready(), true);
      const decoding = decoder.decode(body, 'json');
      assert.ok(decoding instanceof Promise, 'handed to the worker');
      const decoded = await wholeBody(decoding);
      assert.deepEqual(topicNamesOf(decoded.topics), ['A', 'B']);
    } finally {
      await decoder.close();
    }
  });

  it('holds a large body that comes before the worker is up for it, not decoding it on the main thread', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      const decoding = decoder.decode(body, 'json');
      assert.ok(decoding instanceof Promise, 'waits for the worker');
      assert.deepEqual(topicNamesOf((await wholeBody(decoding)).topics), ['A', 'B']);
      assert.equal(decoder.spareBytes, body.length, "the worker decoded it: the body's buffer came back from it");
    } finally {
      await decoder.close();
    }
  });

  it('checks the body against its checksum where it decodes it: on the worker too', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      assert.equal(await decoder.ready(), true);
      const crc = bodyCrc32(body);
      await assert.rejects(Promise.resolve(decoder.decode(body, 'json', crc ^ 1)), BodyCrcMismatch);
      assert.deepEqual(topicNamesOf((await wholeBody(decoder.decode(body, 'json', crc))).topics), ['A', 'B']);
      // And on the main thread, below the threshold.
      const small = new RegisterBodyDecoder(silentLogger());
      assert.throws(() => small.decode(body, 'json', crc ^ 1), BodyCrcMismatch);
      assert.deepEqual(topicNamesOf((await wholeBody(small.decode(body, 'json', crc))).topics), ['A', 'B']);
    } finally {
      await decoder.close();
    }
  });

  it('sends names that are not all ASCII as strings, and the rest as bytes, alike once read', async () => {
    const names = ['Topic-é', 'Topic-\u{1F600}', 'plain'];
    const unicode = registerRequest({ topics: names.map((n) => topic(n)), dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } }).body;
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      assert.equal(await decoder.ready(), true);
      const decoded = await wholeBody(decoder.decode(unicode, 'json'));
      assert.deepEqual(topicNamesOf(decoded.topics), names);
      assert.ok(Array.isArray(decoded.topics.names), 'kept as strings');
      const ascii = await wholeBody(decoder.decode(body, 'json'));
      assert.ok(!Array.isArray(ascii.topics.names), 'packed as bytes');
    } finally {
      await decoder.close();
    }
  });

  it('copies the next body into the buffer the worker handed back, and reads only that body from it', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => `Topic-${i}`);
    const large = registerRequest({ topics: many.map((n) => topic(n)), dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } }).body;
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      assert.equal(await decoder.ready(), true);
      assert.equal(decoder.spareBytes, 0);
      assert.deepEqual(topicNamesOf((await wholeBody(decoder.decode(large, 'json'))).topics), many);
      assert.equal(decoder.spareBytes, large.length, 'handed back');
      // A smaller body in the larger buffer: the rest of the buffer (the large body's tail) is not read.
      assert.deepEqual(topicNamesOf((await wholeBody(decoder.decode(body, 'json', bodyCrc32(body)))).topics), ['A', 'B']);
      assert.equal(decoder.spareBytes, large.length, 'the same buffer, handed back again');
      await assert.rejects(Promise.resolve(decoder.decode(body, 'json', bodyCrc32(body) ^ 1)), BodyCrcMismatch);
      assert.equal(decoder.spareBytes, large.length, 'handed back with a refusal too');
    } finally {
      await decoder.close();
    }
  });

  it('keeps no buffer larger than its limit: a rare large body does not pin its size for good', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => `Topic-${i}`);
    const large = registerRequest({ topics: many.map((n) => topic(n)), dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } }).body;
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1, spareMaxBytes: large.length - 1 });
    try {
      assert.equal(await decoder.ready(), true);
      await wholeBody(decoder.decode(body, 'json'));
      assert.equal(decoder.spareBytes, body.length, 'a body within the limit is kept');
      assert.deepEqual(topicNamesOf((await wholeBody(decoder.decode(large, 'json'))).topics), many);
      assert.equal(decoder.spareBytes, 0, 'one past it is not');
    } finally {
      await decoder.close();
    }
  });

  it('fails a job that gets no answer, and replaces the worker', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1, jobTimeoutMs: 1, workerUrl: workerUrl('silent-worker') });
    try {
      assert.equal(await decoder.ready(), true);
      const first = decoder.decode(body, 'json');
      await assert.rejects(Promise.resolve(first), /no answer in 1 ms/);
      assert.equal(await decoder.ready(), true, 'a new worker starts');
      await assert.rejects(Promise.resolve(decoder.decode(body, 'json')), /no answer/);
    } finally {
      await decoder.close();
    }
  });

  it('fails the jobs of a worker that dies, and starts a new one for the next body', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1, workerUrl: workerUrl('crashing-worker') });
    try {
      assert.equal(await decoder.ready(), true);
      await assert.rejects(Promise.resolve(decoder.decode(body, 'json')), /exited \(code 3\)/);
      assert.equal(await decoder.ready(), true, 'a new worker starts');
    } finally {
      await decoder.close();
    }
  });
});

/** zlib's own inflation, counted: how many times a body was inflated. */
function countingInflate(): { inflateChunks: InflateChunks; count(): number } {
  let count = 0;
  return {
    inflateChunks: (compressed) => {
      count++;
      return zlibInflateChunks(compressed);
    },
    count: () => count,
  };
}

const MiB = 1024 * 1024;
const compressedBody = (counter: number, topics = [topic('A'), topic('B')]) =>
  registerRequest({ topics, dataVersion: { counter, timestamp: 1, stateVersion: 0 }, compressed: true }).body;

describe('reading a compressed register body', () => {
  it('inflates it once: the fingerprint leaves the data version out, and decoding needs no second inflation', async () => {
    const inflation = countingInflate();
    const decoder = new RegisterBodyDecoder(silentLogger(), { inflateChunks: inflation.inflateChunks });
    try {
      const first = await decoder.read(compressedBody(1), { compressed: true, legacy: false });
      const second = await decoder.read(compressedBody(2), { compressed: true, legacy: false });
      assert.equal(inflation.count(), 2);
      assert.deepEqual(first.fingerprint?.dataVersion, { counter: 1, timestamp: 1, stateVersion: 0 });
      assert.deepEqual(second.fingerprint?.dataVersion, { counter: 2, timestamp: 1, stateVersion: 0 });
      assert.equal(first.fingerprint?.fingerprint, second.fingerprint?.fingerprint, 'the same topics give the same fingerprint');
      const other = await decoder.read(compressedBody(1, [topic('A')]), { compressed: true, legacy: false });
      assert.notEqual(other.fingerprint?.fingerprint, first.fingerprint?.fingerprint);
      const decoded = await wholeBody(first.decode(null));
      assert.deepEqual(topicNamesOf(decoded.topics), ['A', 'B']);
      assert.equal(inflation.count(), 3, 'decoding did not inflate again');
    } finally {
      await decoder.close();
    }
  });

  it('fingerprints alike whatever chunks the inflation comes in', async () => {
    const body = compressedBody(7);
    const whole = await new RegisterBodyDecoder(silentLogger()).read(body, { compressed: true, legacy: false });
    // One byte at a time: the data version record spans many chunks.
    const bytewise: InflateChunks = async function* (compressed) {
      for await (const chunk of zlibInflateChunks(compressed)) for (let i = 0; i < chunk.length; i++) yield chunk.subarray(i, i + 1);
    };
    const split = await new RegisterBodyDecoder(silentLogger(), { inflateChunks: bytewise }).read(body, { compressed: true, legacy: false });
    assert.deepEqual(split.fingerprint, whole.fingerprint);
  });

  it('refuses a body that inflates beyond the ratio, naming the setting', async () => {
    const bomb = deflateSync(Buffer.alloc(8 * MiB)); // ~8 KB that inflate 1,000 times
    const decoder = new RegisterBodyDecoder(silentLogger());
    await assert.rejects(
      Promise.resolve(decoder.read(bomb, { compressed: true, legacy: false })),
      (err: Error) => err instanceof BodyDecodeError && /inflates to more than 1048576 bytes \(registerBodyMaxInflateRatio=100 for its \d+ bytes\)/.test(err.message),
    );
  });

  it('refuses a body that inflates beyond the size, naming the setting', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger());
    const limits = { maxInflatedSize: 2 * MiB, maxInflateRatio: 1_000_000 };
    await assert.rejects(
      Promise.resolve(decoder.read(deflateSync(Buffer.alloc(8 * MiB)), { compressed: true, legacy: false }, limits)),
      (err: Error) => err instanceof BodyDecodeError && /inflates to more than 2097152 bytes \(registerBodyMaxInflatedSize=2097152\)/.test(err.message),
    );
  });

  it('accepts a small body of any ratio, and a real one of 20,000 topics', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger());
    const repetitive = deflateSync(Buffer.alloc(MiB));
    assert.ok(MiB / repetitive.length > 100);
    // Inflates, then fails as records (zeros are no DataVersion): not refused for its ratio.
    const read = await decoder.read(repetitive, { compressed: true, legacy: false });
    await assert.rejects(async () => read.decode(null), /compressed RegisterBrokerBody: (?!inflates)/);
    const large = compressedBody(1, Array.from({ length: 20_000 }, (_, i) => topic(`Many-${i}-with-a-longer-name`)));
    const decoded = await wholeBody((await decoder.read(large, { compressed: true, legacy: false })).decode(null));
    assert.equal(decoded.topics.size, 20_000);
    await decoder.close();
  });

  it('inflates one body at a time, in the order they came', async () => {
    const started: number[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const gated: InflateChunks = async function* (compressed) {
      started.push(compressed.length);
      for await (const chunk of zlibInflateChunks(compressed)) {
        if (started.length === 1) await released; // the first body holds its turn
        yield chunk;
      }
    };
    const decoder = new RegisterBodyDecoder(silentLogger(), { inflateChunks: gated });
    const first = compressedBody(1);
    const second = compressedBody(2, [topic('A'), topic('B'), topic('C')]);
    const reads = [decoder.read(first, { compressed: true, legacy: false }), decoder.read(second, { compressed: true, legacy: false })];
    assert.deepEqual(started, [first.length], 'the second waits while the first inflates');
    release();
    const [a, b] = await Promise.all(reads);
    assert.deepEqual(started, [first.length, second.length]);
    assert.equal(a.fingerprint?.dataVersion?.counter, 1);
    assert.equal(b.fingerprint?.dataVersion?.counter, 2);
  });

  it("inflates a body from a connection whose bodies all inflated well ahead of others' bodies, and never again after a refusal", async () => {
    const started: string[] = [];
    let release: (() => void) | null = null;
    let holding = false;
    const gated: InflateChunks = async function* (compressed) {
      started.push(names.get(compressed)!);
      for await (const chunk of zlibInflateChunks(compressed)) {
        if (holding) await new Promise<void>((resolve) => (release = resolve));
        holding = false;
        yield chunk;
      }
    };
    /** Lets the body holding the turn go on, once it holds it. */
    const releaseHolder = async () => {
      await until(() => release !== null);
      release!();
      release = null;
    };
    const names = new Map<Buffer, string>();
    const bodyOf = (name: string, counter: number) => {
      const compressed = compressedBody(counter);
      names.set(compressed, name);
      return compressed;
    };
    const form = { compressed: true, legacy: false };
    const broker = {};
    const decoder = new RegisterBodyDecoder(silentLogger(), { inflateChunks: gated });
    await decoder.read(bodyOf('broker, first', 1), form, undefined, broker);
    /** Reads these bodies (name and source) while the first holds the turn; the order they inflated in. */
    let counter = 1;
    const whileHeld = async (bodies: Array<[string, object]>) => {
      started.length = 0;
      holding = true;
      const reads = bodies.map(([name, source]) => decoder.read(bodyOf(name, ++counter), form, undefined, source));
      await releaseHolder();
      await Promise.all(reads);
      return [...started];
    };
    /** A body from a connection that sent none before. */
    const stranger = (name: string): [string, object] => [name, {}];
    assert.deepEqual(
      await whileHeld([stranger('holder'), stranger('stranger 1'), stranger('stranger 2'), ['broker, again', broker]]),
      ['holder', 'broker, again', 'stranger 1', 'stranger 2'],
    );
    // A refused body ends that: the broker's next one waits its turn.
    await assert.rejects(Promise.resolve(decoder.read(Buffer.from('x\x9cnot zlib at all'), form, undefined, broker)), BodyDecodeError);
    assert.deepEqual(await whileHeld([stranger('holder'), stranger('stranger 3'), ['broker, after a refusal', broker]]), ['holder', 'stranger 3', 'broker, after a refusal']);
    // Good bodies since do not bring it back: good and bad in turn would put every bomb ahead.
    assert.deepEqual(await whileHeld([stranger('holder'), stranger('stranger 4'), ['broker, after good ones', broker]]), ['holder', 'stranger 4', 'broker, after good ones']);
  });

  it('refuses a body that is no zlib stream, or a cut one', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger());
    const body = compressedBody(1);
    for (const broken of [Buffer.from('x\x9cnot zlib at all'), body.subarray(0, body.length - 6)]) {
      await assert.rejects(
        Promise.resolve(decoder.read(broken, { compressed: true, legacy: false })),
        (err: Error) => err instanceof BodyDecodeError && /does not inflate/.test(err.message),
      );
    }
  });
});

describe('registering a body with a topic number beyond Java int', () => {
  it('is refused, and the broker keeps the topics it registered before, unwrapped', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const first = registerRequest({ topics: [topic('T', { readQueueNums: 4 }), topic('U')], dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } });
      const registered = await call(client, RequestCode.REGISTER_BROKER, first);
      assert.equal(registered.code, ResponseCode.SUCCESS, registered.remark ?? undefined);
      const route = async () => (await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'T' } })).body!.toString();
      const before = await route();
      assert.match(before, /"readQueueNums":4,/);
      const next = registerRequest({ topics: [topic('T', { readQueueNums: 4 }), topic('U')], dataVersion: { counter: 2, timestamp: 2, stateVersion: 0 } });
      for (const [from, to] of [
        ['"readQueueNums":4,', '"readQueueNums":4294967312,'], // wraps to 16 in an Int32Array
        ['"perm":6,', '"perm":1e20,'],
      ]) {
        // "order":0 is no boolean literal: the scanner leaves the body to the full decoder.
        const text = next.body.toString('utf8').replace('"order":false', '"order":0').replace(from!, to!);
        assert.notEqual(text, next.body.toString('utf8'));
        const body = Buffer.from(text, 'utf8');
        const extFields = { ...next.extFields, bodyCrc32: String(bodyCrc32(body)) };
        const response = await call(client, RequestCode.REGISTER_BROKER, { extFields, body });
        assert.equal(response.code, ResponseCode.SYSTEM_ERROR, to);
        assert.match(response.remark ?? '', /is not an int/);
        assert.equal(await route(), before, 'the route is as it was');
      }
    } finally {
      await ns.stop();
    }
  });
});
