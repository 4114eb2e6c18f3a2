import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { registerManyTopics } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const TOPICS = 20_000;

describe('the write permission of a broker with tens of thousands of topics', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer();
    await registerManyTopics(ns, 'Perm-', TOPICS);
  });
  after(() => ns.stop());

  for (const [code, change, field, perm] of [
    [RequestCode.WIPE_WRITE_PERM_OF_BROKER, 'wipe', 'wipeTopicCount', 4],
    [RequestCode.ADD_WRITE_PERM_OF_BROKER, 'add', 'addTopicCount', 6],
  ] as const) {
    it(`${change}: changed in slices (a lookup sent after it is answered first), with the count of every topic`, async () => {
      const client = await ns.connect();
      const order: string[] = [];
      const changed = call(client, code, { extFields: { brokerName: 'big-broker' } }).then((response) => (order.push(change), response));
      const lookup = call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Perm-19999' } }).then((response) => (order.push('lookup'), response));
      const [answer, route] = await Promise.all([changed, lookup]);
      assert.deepEqual(order, ['lookup', change]);
      assert.equal(route.code, ResponseCode.SUCCESS);
      assert.deepEqual(answer.extFields, { [field]: String(TOPICS) });
      for (const name of ['Perm-0', 'Perm-19999']) {
        const after = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: name } })) as { queueDatas: Array<{ perm: number }> };
        assert.equal(after.queueDatas[0]!.perm, perm);
      }
    });
  }
});
