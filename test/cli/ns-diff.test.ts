import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/mqadmin.js';
import type { RunningNameServer } from '../support/nameserver-harness.js';
import { addressOf, deadAddress, registerFakeBroker, startNameServers, topic } from '../client/helpers.js';

async function mqadmin(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  process.exitCode = 0;
  return { code, out, err };
}

describe('mqadmin nsDiff', () => {
  let servers: RunningNameServer[];

  before(async () => {
    servers = await startNameServers(3);
    const topics = [topic('TopicTest'), topic('TopicA')];
    for (const ns of servers) await registerFakeBroker(ns, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', topics });
    // The planted difference: broker-b reached the first NameServer only.
    await registerFakeBroker(servers[0]!, { brokerName: 'broker-b', brokerAddr: '127.0.0.1:10921', topics: [topic('TopicB'), topic('TopicC')] });
  });

  after(() => Promise.all(servers.map((ns) => ns.stop())));

  test('exits 0 and says so when the NameServers agree', async () => {
    const r = await mqadmin(['nsDiff', '-n', `${addressOf(servers[1]!)};${addressOf(servers[2]!)}`]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /The NameServers agree\./);
    assert.match(r.out, /Routes compared for 2 topics\./);
  });

  test('exits 1 and names the broker and topic missing from one NameServer', async () => {
    const [a, b] = servers.map(addressOf) as [string, string];
    const r = await mqadmin(['nsDiff', '-n', `${a};${b}`]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, new RegExp(`DefaultCluster/broker-b id 0 127\\.0\\.0\\.1:10921\\s+missing from ${b}`));
    assert.match(r.out, new RegExp(`TopicB\\s+missing from ${b}`));
    assert.match(r.out, /The NameServers DISAGREE\./);
  });

  test('reports differing routes, as JSON with --json', async () => {
    const [, b, c] = servers as [RunningNameServer, RunningNameServer, RunningNameServer];
    const changed = await registerFakeBroker(c, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', topics: [topic('TopicTest'), topic('TopicA')] });
    changed.setTopics([topic('TopicTest', { writeQueueNums: 2 }), topic('TopicA')]);
    await changed.register();
    const r = await mqadmin(['nsDiff', '-n', `${addressOf(b)};${addressOf(c)}`, '--json']);
    assert.equal(r.code, 1, r.out + r.err);
    const report = JSON.parse(r.out) as {
      agree: boolean;
      routes: { differing: { topic: string; variants: { nameServers: string[]; route: { queues: { writeQueueNums: number }[] } }[] }[] };
    };
    assert.equal(report.agree, false);
    assert.deepEqual(report.routes.differing.map((d) => d.topic), ['TopicTest']);
    assert.deepEqual(
      report.routes.differing[0]!.variants.map((v) => [v.nameServers, v.route.queues[0]!.writeQueueNums]),
      [[[addressOf(b)], 4], [[addressOf(c)], 2]],
    );
  });

  test('a NameServer that cannot be reached makes them disagree', async () => {
    const dead = await deadAddress();
    const r = await mqadmin(['nsDiff', '-n', `${addressOf(servers[1]!)};${dead}`, '--timeout', '2000']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, new RegExp(`${dead}\\s+UNREACHABLE: `));
  });

  test('one address or a bad limit is a usage mistake', async () => {
    assert.equal((await mqadmin(['nsDiff', '-n', addressOf(servers[0]!)])).code, 2);
    assert.equal((await mqadmin(['nsDiff', '-n', `${addressOf(servers[0]!)};${addressOf(servers[1]!)}`, '--maxTopics', '0'])).code, 2);
  });
});
