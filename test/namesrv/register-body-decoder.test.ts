import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegisterBodyDecoder } from '../../src/namesrv/processors/register-body-decoder.js';
import { silentLogger } from '../../src/util/logger.js';
import { registerRequest, topic } from '../support/fake-broker.js';

const { body } = registerRequest({ topics: [topic('A'), topic('B')], dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } });
const workerUrl = (name: string) => new URL(`../support/workers/${name}.js`, import.meta.url);

describe('the register body decoder worker', () => {
  it('decodes on the worker once it is up', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      assert.equal(await decoder.ready(), true);
      const decoding = decoder.decode(body, false);
      assert.ok(decoding instanceof Promise, 'handed to the worker');
      const decoded = await decoding;
      assert.deepEqual([...decoded.topicConfigSerializeWrapper.topicConfigTable.keys()], ['A', 'B']);
    } finally {
      await decoder.close();
    }
  });

  it('fails a job that gets no answer, and replaces the worker', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1, jobTimeoutMs: 1, workerUrl: workerUrl('silent-worker') });
    try {
      assert.equal(await decoder.ready(), true);
      const first = decoder.decode(body, false);
      await assert.rejects(Promise.resolve(first), /no answer in 1 ms/);
      assert.equal(await decoder.ready(), true, 'a new worker starts');
      await assert.rejects(Promise.resolve(decoder.decode(body, false)), /no answer/);
    } finally {
      await decoder.close();
    }
  });

  it('fails the jobs of a worker that dies, and starts a new one for the next body', async () => {
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1, workerUrl: workerUrl('crashing-worker') });
    try {
      assert.equal(await decoder.ready(), true);
      await assert.rejects(Promise.resolve(decoder.decode(body, false)), /exited \(code 3\)/);
      assert.equal(await decoder.ready(), true, 'a new worker starts');
    } finally {
      await decoder.close();
    }
  });
});
