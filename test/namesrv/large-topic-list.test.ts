import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeTopicList } from '../../src/protocol/bodies/index.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { registerManyTopics, registerRequest, topic } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const TOPICS = 60_000;
/**
 * These tests order a lookup's answer against a list built in slices: the order of the single
 * process, which serves the port here (through serving processes it also depends on when each
 * request reaches the primary).
 */
const ONE_PROCESS = { servingProcesses: 1 };

describe('a topic list of tens of thousands of names', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer(ONE_PROCESS);
    await registerManyTopics(ns, 'Listed-', TOPICS);
  });
  after(() => ns.stop());

  /** Sends the list request and a lookup right behind it; the order their answers arrive in. */
  async function listThenLookup(code: number, extFields: Record<string, string> | null): Promise<{ order: string[]; list: RemotingCommand }> {
    const client = await ns.connect();
    const order: string[] = [];
    const list = call(client, code, { extFields }).then((response) => {
      order.push('list');
      return response;
    });
    const lookup = call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Listed-7' } }).then((response) => {
      order.push('lookup');
      assert.equal(response.code, ResponseCode.SUCCESS);
    });
    const [response] = await Promise.all([list, lookup]);
    return { order, list: response };
  }

  for (const [name, code, extFields] of [
    ['GET_ALL_TOPIC_LIST_FROM_NAMESERVER', RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null],
    ['GET_TOPICS_BY_CLUSTER', RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' }],
  ] as const) {
    it(`${name} is written in slices: a lookup sent after it is answered first, and the list is whole, in Java's order`, async () => {
      const { order, list } = await listThenLookup(code, extFields);
      assert.deepEqual(order, ['lookup', 'list']);
      assert.equal(list.code, ResponseCode.SUCCESS);
      const { topicList } = bodyJson(list) as { topicList: string[] };
      assert.equal(new Set(topicList).size, TOPICS);
      // Written again in its own order, a list in Java's set order comes out the same.
      assert.ok(list.body!.equals(encodeTopicList({ topicList })));
    });
  }

  it('two asks while the list is being written share one build, and a change meanwhile is in the next list', async () => {
    const client = await ns.connect();
    const first = call(client, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    const second = call(client, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    const broker = await ns.connect();
    const added = call(broker, RequestCode.REGISTER_BROKER, registerRequest({ topics: [topic('Added-Later'), topic('Listed-0')], brokerName: 'small-broker', brokerAddr: '127.0.0.1:20911', dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } }));
    const [a, b] = await Promise.all([first, second]);
    const addedAnswer = await added;
    assert.equal(addedAnswer.code, ResponseCode.SUCCESS, addedAnswer.remark ?? '');
    assert.ok(a.body!.equals(b.body!), 'the same list');
    const before = (bodyJson(a) as { topicList: string[] }).topicList;
    assert.equal(before.includes('Added-Later'), false, 'the list is the registry as it was when asked for');
    const next = bodyJson(await call(client, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)) as { topicList: string[] };
    assert.equal(next.topicList.includes('Added-Later'), true);
    assert.equal(next.topicList.length, before.length + 1);
  });
});

describe('a cluster that does not serve every topic of a large registry', () => {
  let ns: RunningNameServer;
  const other = ['OnlyOther-0', 'OnlyOther-1', 'OnlyOther-2', 'Listed-3'];
  before(async () => {
    ns = await startNameServer(ONE_PROCESS);
    await registerManyTopics(ns, 'Listed-', TOPICS);
    const small = await call(await ns.connect(), RequestCode.REGISTER_BROKER, registerRequest({ topics: other.map((name) => topic(name)), clusterName: 'OtherCluster', brokerName: 'other-broker', brokerAddr: '127.0.0.1:20911', dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 } }));
    assert.equal(small.code, ResponseCode.SUCCESS);
  });
  after(() => ns.stop());

  for (const [cluster, expected] of [
    ['OtherCluster', other.length],
    ['DefaultCluster', TOPICS],
  ] as const) {
    it(`GET_TOPICS_BY_CLUSTER ${cluster} looks at every topic in slices: a lookup sent after it is answered first, and the list is exact`, async () => {
      const client = await ns.connect();
      const order: string[] = [];
      const list = call(client, RequestCode.GET_TOPICS_BY_CLUSTER, { extFields: { cluster } }).then((response) => (order.push('list'), response));
      const lookup = call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Listed-7' } }).then((response) => (order.push('lookup'), response));
      const [answer, route] = await Promise.all([list, lookup]);
      assert.equal(route.code, ResponseCode.SUCCESS);
      assert.deepEqual(order, ['lookup', 'list']);
      const { topicList } = bodyJson(answer) as { topicList: string[] };
      assert.equal(new Set(topicList).size, expected);
      if (cluster === 'OtherCluster') assert.deepEqual([...topicList].sort(), [...other].sort());
      else assert.ok(topicList.every((name) => name.startsWith('Listed-')));
    });
  }

  it('the HTTP API pages that cluster\'s topics, made in slices', async () => {
    const response = await fetch(`http://127.0.0.1:${ns.httpPort}/api/v1/topics?cluster=OtherCluster&limit=10`);
    assert.equal(response.status, 200);
    const page = (await response.json()) as { total: number; topics: Array<{ topic: string; brokerNames: string[] }> };
    assert.equal(page.total, other.length);
    assert.deepEqual(page.topics.map((t) => t.topic), [...other].sort());
    assert.deepEqual(page.topics.find((t) => t.topic === 'Listed-3')!.brokerNames, ['big-broker', 'other-broker']);
  });
});
