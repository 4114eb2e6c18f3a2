import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { groupWithoutMaster, oneOnEveryProcess } from '../support/serving-processes.js';

async function routeBody(client: ClientConnection, topicName: string): Promise<Buffer> {
  const answer = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: topicName } });
  assert.equal(answer.code, ResponseCode.SUCCESS, answer.remark ?? '');
  return answer.body!;
}

const SHAPED = Array.from({ length: 120 }, (_, i) => topic(`Shaped-${i}`));

describe('serving processes answer every topic of a route shape they know', () => {
  let ns: RunningNameServer;
  let broker: FakeBroker;
  let clients: ClientConnection[];
  before(async () => {
    ns = await startNameServer({ servingProcesses: 2 });
    broker = new FakeBroker(await ns.connect(), { topics: [...SHAPED, topic('Wide', { readQueueNums: 16, writeQueueNums: 16 })] });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    clients = await oneOnEveryProcess(ns);
  });
  after(async () => {
    await ns?.stop();
  });

  /** Once the primary has told the workers every shape staled so far, and they have taken it. */
  const shapesTaken = async () => {
    await ns.server.servingCluster!.shapesPublished();
    await ns.server.servingCluster!.collectReports();
  };

  it('once one topic of a shape was asked, answers the others without the primary, byte for byte', async () => {
    await shapesTaken();
    const cluster = ns.server.servingCluster!;
    for (const client of clients) {
      const first = await routeBody(client, 'Shaped-0');
      const forwarded = cluster.forwardedCount;
      for (let i = 1; i < SHAPED.length; i++) assert.deepEqual(await routeBody(client, `Shaped-${i}`), first);
      assert.equal(cluster.forwardedCount, forwarded, 'none forwarded');
      assert.notDeepEqual(await routeBody(client, 'Wide'), first, 'another shape is another answer');
    }
  });

  it('a topic whose queues change is answered with its new route once the broker has its answer; the others stay answered', async () => {
    const cluster = ns.server.servingCluster!;
    broker.setTopics([...SHAPED.map((t) => (t.topicName === 'Shaped-7' ? { ...t, readQueueNums: 8, writeQueueNums: 8 } : t)), topic('Wide', { readQueueNums: 16, writeQueueNums: 16 })]);
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    for (const client of clients) {
      const route = JSON.parse((await routeBody(client, 'Shaped-7')).toString('utf8')) as { queueDatas: Array<{ readQueueNums: number }> };
      assert.equal(route.queueDatas[0]!.readQueueNums, 8);
    }
    await shapesTaken();
    const forwarded = cluster.forwardedCount;
    for (const client of clients) for (const name of ['Shaped-1', 'Shaped-50', 'Shaped-119']) await routeBody(client, name);
    assert.equal(cluster.forwardedCount, forwarded, 'the other topics kept their shape');
  });

  it('a broker group that changes stales every answer, not the topics\' shapes: one lookup a shape asks the primary', async () => {
    const cluster = ns.server.servingCluster!;
    await shapesTaken();
    const slave = new FakeBroker(await ns.connect(), { brokerId: 1, brokerAddr: '127.0.0.1:10912', topics: SHAPED });
    assert.equal((await slave.register()).code, ResponseCode.SUCCESS);
    for (const client of clients) {
      const first = await routeBody(client, 'Shaped-0');
      assert.match(first.toString('utf8'), /"1":"127\.0\.0\.1:10912"/, 'the new member shows at once');
      const forwarded = cluster.forwardedCount;
      for (const name of ['Shaped-1', 'Shaped-60', 'Shaped-119']) assert.deepEqual(await routeBody(client, name), first);
      assert.equal(cluster.forwardedCount, forwarded, 'the other topics of the shape were not asked for');
    }
  });
});

describe('serving processes and supportActingMaster', () => {
  it('a change of supportActingMaster reaches every process before it is answered', async () => {
    const ns = await startNameServer({ servingProcesses: 2 });
    try {
      await groupWithoutMaster(ns);
      const clients = await oneOnEveryProcess(ns);
      type Route = { brokerDatas: Array<{ brokerAddrs: Record<string, string> }> };
      const addrs = async (client: ClientConnection) => (JSON.parse((await routeBody(client, 'ActTopic')).toString('utf8')) as Route).brokerDatas[0]!.brokerAddrs;
      for (const client of clients) for (let i = 0; i < 2; i++) assert.deepEqual(await addrs(client), { '1': '127.0.0.1:4002' });
      const updated = await call(clients[0]!, RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'supportActingMaster=true' });
      assert.equal(updated.code, ResponseCode.SUCCESS, updated.remark ?? '');
      for (const client of clients) assert.deepEqual(await addrs(client), { '0': '127.0.0.1:4002' });
    } finally {
      await ns.stop();
    }
  });
});

describe('serving processes and UNREGISTER_BROKER', () => {
  it("a broker's unregistration reaches every process on the turn after it is applied, with no other request to carry it", async () => {
    const ns = await startNameServer({ servingProcesses: 2 });
    try {
      const broker = new FakeBroker(await ns.connect(), { topics: [topic('Leaving'), topic('Other')] });
      assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
      const clients = await oneOnEveryProcess(ns);
      for (const client of clients) for (let i = 0; i < 2; i++) await routeBody(client, 'Leaving'); // kept as copies
      assert.equal((await broker.unregister()).code, ResponseCode.SUCCESS);
      // The queued unregistration is applied on a later turn of the primary (this process); then
      // what it changed is announced, and a report asked after that comes back once taken.
      await ns.server.registry.unregistrationsDrained();
      await new Promise((resolve) => setImmediate(resolve));
      await ns.server.servingCluster!.collectReports();
      for (const client of clients) {
        const answer = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Leaving' } });
        assert.equal(answer.code, ResponseCode.TOPIC_NOT_EXIST);
      }
    } finally {
      await ns.stop();
    }
  });
});

describe('serving processes are told only of changes to topics they may hold', () => {
  let ns: RunningNameServer;
  let broker: FakeBroker;
  let clients: ClientConnection[];
  const known = (changed?: string) => Array.from({ length: 10 }, (_, i) => topic(`Known-${i}`, `Known-${i}` === changed ? { readQueueNums: 8, writeQueueNums: 8 } : {}));
  before(async () => {
    ns = await startNameServer({ servingProcesses: 2 });
    broker = new FakeBroker(await ns.connect(), { topics: known() });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    clients = await oneOnEveryProcess(ns);
  });
  after(async () => {
    await ns?.stop();
  });

  it('a broker registering topics none holds anything for is answered without an announcement; a change to one they hold is announced first', async () => {
    const cluster = ns.server.servingCluster!;
    for (const client of clients) await routeBody(client, 'Known-3');
    await cluster.shapesPublished();
    const announced = cluster.announcements;
    const newcomer = new FakeBroker(await ns.connect(), { brokerName: 'broker-new', brokerAddr: '127.0.0.1:10951', topics: Array.from({ length: 500 }, (_, i) => topic(`New-${i}`)) });
    assert.equal((await newcomer.register()).code, ResponseCode.SUCCESS);
    assert.equal(cluster.announcements, announced, 'no process held anything of those topics');
    for (const client of clients) assert.ok((await routeBody(client, 'New-499')).toString('utf8').includes('broker-new'));

    broker.setTopics(known('Known-3'));
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.ok(cluster.announcements > announced, 'the processes held Known-3');
    for (const client of clients) {
      const route = JSON.parse((await routeBody(client, 'Known-3')).toString('utf8')) as { queueDatas: Array<{ readQueueNums: number }> };
      assert.equal(route.queueDatas[0]!.readQueueNums, 8);
    }
  });
});
