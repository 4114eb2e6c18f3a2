import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FromWorker } from '../../src/cluster/messages.js';
import { ServingWorker } from '../../src/cluster/serving-worker.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { silentLogger } from '../../src/util/logger.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { oneOnEveryProcess } from '../support/serving-processes.js';

function worker() {
  const sent: FromWorker[] = [];
  return { sent, worker: new ServingWorker((message) => sent.push(message), silentLogger()) };
}

/** Turns of the event loop until `done`, at most `limit`; how many it took. */
async function turnsUntil(done: () => boolean, limit = 1000): Promise<number> {
  for (let turns = 0; turns < limit; turns++) {
    if (done()) return turns;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`not done after ${limit} turns`);
}

const topics = (count: number) => Array.from({ length: count }, (_, i) => `Topic-${i}`);

describe('a serving process applying an announcement of many topics', () => {
  it('drops them over several turns, acknowledges after the last, and applies what came meanwhile after that, in order', async () => {
    const { sent, worker: w } = worker();
    w.receive({ t: 'invalidate', epoch: 7, topics: topics(20_000), everyAnswer: false });
    w.receive({ t: 'report' });
    w.receive({ t: 'invalidate', epoch: 8, topics: ['One'], everyAnswer: false });
    assert.equal(sent.length, 0, 'nothing acknowledged, nor applied after it, in the first turn');
    const turns = await turnsUntil(() => sent.length === 3);
    assert.ok(turns >= 3, `20,000 topics take several turns (${turns})`);
    assert.deepEqual(sent[0], { t: 'invalidated', epoch: 7 });
    assert.equal(sent[1]!.t, 'served');
    assert.deepEqual(sent[2], { t: 'invalidated', epoch: 8 });
  });

  it('an announcement of few topics, or of every answer, is acknowledged at once', () => {
    const { sent, worker: w } = worker();
    w.receive({ t: 'invalidate', epoch: 1, topics: topics(100), everyAnswer: false });
    w.receive({ t: 'invalidate', epoch: 2, topics: null, everyAnswer: true });
    assert.deepEqual(sent, [
      { t: 'invalidated', epoch: 1 },
      { t: 'invalidated', epoch: 2 },
    ]);
  });

  it('two announcements of many topics in a row are each acknowledged after their own turns', async () => {
    const { sent, worker: w } = worker();
    w.receive({ t: 'invalidate', epoch: 3, topics: topics(5_000), everyAnswer: true });
    w.receive({ t: 'invalidate', epoch: 4, topics: topics(5_000), everyAnswer: false });
    w.receive({ t: 'report' });
    await turnsUntil(() => sent.length === 3);
    assert.deepEqual(sent.slice(0, 2), [
      { t: 'invalidated', epoch: 3 },
      { t: 'invalidated', epoch: 4 },
    ]);
    assert.equal(sent[2]!.t, 'served');
  });
});

describe('serving processes after a change of many topics', () => {
  const names = topics(6_000);
  let ns: RunningNameServer;
  let broker: FakeBroker;
  before(async () => {
    ns = await startNameServer({ servingProcesses: 2 });
    broker = new FakeBroker(await ns.connect(), { topics: names.map((name) => topic(name)) });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
  });
  after(async () => {
    await ns?.stop();
  });

  const writeQueues = async (client: ClientConnection, name: string) => {
    const answer = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: name } });
    assert.equal(answer.code, ResponseCode.SUCCESS);
    return (bodyJson(answer) as { queueDatas: Array<{ writeQueueNums: number }> }).queueDatas[0]!.writeQueueNums;
  };

  it('every process answers every changed topic with its new route once the broker has its answer', async () => {
    const clients = await oneOnEveryProcess(ns);
    const asked = [names[0]!, names[3_000]!, names[5_999]!];
    for (const client of clients) for (const name of asked) assert.equal(await writeQueues(client, name), 4);
    broker.setTopics(names.map((name) => topic(name, { writeQueueNums: 8, readQueueNums: 8 })));
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    for (const client of clients) for (const name of asked) assert.equal(await writeQueues(client, name), 8, `${name} through every process`);
  });
});
