import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { CAPTURE_DIR } from '../fixtures/captures.js';
import { bodyJson, call, startNameServer, tempDir } from '../support/nameserver-harness.js';

describe('KV config requests', () => {
  for (const rocketmq of [false, true]) {
    it(`put, get, list and delete (${rocketmq ? 'ROCKETMQ' : 'JSON'} header)`, async () => {
      const ns = await startNameServer();
      try {
        const client = await ns.connect();
        const put = await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K', value: 'V' }, rocketmq });
        assert.equal(put.code, ResponseCode.SUCCESS);
        assert.equal(put.extFields, null);
        await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K2', value: 'hello' }, rocketmq });

        const got = await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' }, rocketmq });
        assert.equal(got.code, ResponseCode.SUCCESS);
        assert.deepEqual(got.extFields, { value: 'V' });

        const missing = await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'missing' }, rocketmq });
        assert.equal(missing.code, ResponseCode.QUERY_NOT_FOUND);
        assert.equal(missing.remark, 'No config item, Namespace: NS Key: missing');

        const list = await call(client, RequestCode.GET_KVLIST_BY_NAMESPACE, { extFields: { namespace: 'NS' }, rocketmq });
        assert.deepEqual(bodyJson(list), { table: { K2: 'hello', K: 'V' } });
        const noNamespace = await call(client, RequestCode.GET_KVLIST_BY_NAMESPACE, { extFields: { namespace: 'NoSuchNS' }, rocketmq });
        assert.equal(noNamespace.code, ResponseCode.QUERY_NOT_FOUND);
        assert.equal(noNamespace.remark, 'No config item, Namespace: NoSuchNS');

        const deleted = await call(client, RequestCode.DELETE_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' }, rocketmq });
        assert.equal(deleted.code, ResponseCode.SUCCESS);
        assert.equal((await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' } })).code, ResponseCode.QUERY_NOT_FOUND);
      } finally {
        await ns.stop();
      }
    });
  }

  it('refuses a put without a value', async () => {
    const ns = await startNameServer();
    try {
      const response = await call(await ns.connect(), RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' } });
      assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
      assert.match(response.remark!, /value/);
    } finally {
      await ns.stop();
    }
  });

  it('persists across a restart, special characters included', async () => {
    const home = tempDir();
    const first = await startNameServer({ homeDir: home });
    await call(await first.connect(), RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS2', key: 'quote"key', value: 'v"q ü 中 \\\\ /' } });
    await first.stop();
    const second = await startNameServer({ homeDir: home });
    try {
      const got = await call(await second.connect(), RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS2', key: 'quote"key' } });
      assert.deepEqual(got.extFields, { value: 'v"q ü 中 \\\\ /' });
    } finally {
      await second.stop();
    }
  });

  it('loads a kvConfig.json written by a Java NameServer', async () => {
    const home = tempDir();
    const kvPath = path.join(home, 'namesrv', 'kvConfig.json');
    fs.mkdirSync(path.dirname(kvPath), { recursive: true });
    fs.copyFileSync(path.join(CAPTURE_DIR, 'kvConfig.json'), kvPath);
    const ns = await startNameServer({ homeDir: home });
    try {
      const client = await ns.connect();
      const order = await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'CapRouteTopic' } });
      assert.deepEqual(order.extFields, { value: 'broker-a:4' });
      const list = await call(client, RequestCode.GET_KVLIST_BY_NAMESPACE, { extFields: { namespace: 'NS2' } });
      assert.deepEqual(bodyJson(list), { table: { 'quote"key': 'v"q ü 中 \\\\ /' } });
    } finally {
      await ns.stop();
    }
  });
});
