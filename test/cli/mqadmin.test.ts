import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/mqadmin.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { addressOf, deadAddress, registerFakeBroker, topic } from '../client/helpers.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function mqadmin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  process.exitCode = 0;
  return { code, out, err };
}

describe('mqadmin against a NameServer', () => {
  let ns: RunningNameServer;
  let n: string;

  before(async () => {
    ns = await startNameServer();
    n = addressOf(ns);
    await registerFakeBroker(ns, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', topics: [topic('TopicTest'), topic('TopicA')] });
    await registerFakeBroker(ns, { brokerName: 'broker-b', brokerAddr: '127.0.0.1:10921', topics: [topic('TopicTest'), topic('TopicB')], clusterName: 'OtherCluster' });
  });

  after(() => ns.stop());

  test('clusterList prints one row per broker under Java\'s header', async () => {
    const r = await mqadmin(['clusterList', '-n', n, '--brokerTimeout', '200']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^#Cluster Name\s+#Broker Name\s+#BID\s+#Addr\s+#Version/);
    assert.equal(lines.length, 3);
    assert.match(r.out, /DefaultCluster\s+broker-a\s+0\s+127\.0\.0\.1:10911/);
    assert.match(r.out, /OtherCluster\s+broker-b\s+0\s+127\.0\.0\.1:10921/);
  });

  test('clusterList -c limits the output to one cluster; --json gives the rows', async () => {
    const r = await mqadmin(['clusterList', '-n', n, '-c', 'OtherCluster', '--json', '--brokerTimeout', '200']);
    assert.equal(r.code, 0, r.err);
    const parsed = JSON.parse(r.out) as { brokers: { brokerName: string; cluster: string }[] };
    assert.deepEqual(parsed.brokers.map((b) => b.brokerName), ['broker-b']);
  });

  test('topicRoute prints the route, -l as a table', async () => {
    const r = await mqadmin(['topicRoute', '-n', n, '-t', 'TopicTest']);
    assert.equal(r.code, 0, r.err);
    const route = JSON.parse(r.out) as { brokerDatas: unknown[]; queueDatas: unknown[] };
    assert.equal(route.brokerDatas.length, 2);
    assert.deepEqual(Object.keys(route), ['brokerDatas', 'filterServerTable', 'queueDatas']);
    const table = await mqadmin(['topicRoute', '-n', n, '-t', 'TopicTest', '-l']);
    assert.match(table.out, /broker-a\s+\{0=127\.0\.0\.1:10911\}\s+4\s+4\s+6/);
    assert.match(table.out, /Total:\s+2\s+8\s+8/);
  });

  test('topicList, topicList -c and topicClusterList', async () => {
    const list = await mqadmin(['topicList', '-n', n]);
    assert.deepEqual(list.out.trim().split('\n').sort(), ['TopicA', 'TopicB', 'TopicTest']);
    const byCluster = await mqadmin(['topicList', '-n', n, '-c']);
    assert.match(byCluster.out, /^#Cluster Name\s+#Topic\s+#Consumer Group/);
    assert.match(byCluster.out, /OtherCluster\s+TopicB/);
    const clusters = await mqadmin(['topicClusterList', '-n', n, '-t', 'TopicTest', '--json']);
    assert.deepEqual(JSON.parse(clusters.out), { clusters: ['DefaultCluster', 'OtherCluster'] });
  });

  test('KV and order conf commands', async () => {
    assert.equal((await mqadmin(['updateKvConfig', '-n', n, '-s', 'NS', '-k', 'k', '-v', 'v'])).out, 'create or update kv config to namespace success.\n');
    const put = await mqadmin(['updateOrderConf', '-n', n, '-t', 'TopicA', '-m', 'put', '-v', 'broker-a:4']);
    assert.equal(put.code, 0, put.err);
    const get = await mqadmin(['updateOrderConf', '-n', n, '-t', 'TopicA', '-m', 'get']);
    assert.equal(get.out, 'get orderConf success. topic=[TopicA], orderConf=[broker-a:4]\n');
    await mqadmin(['updateOrderConf', '-n', n, '-t', 'TopicA', '-m', 'delete']);
    const gone = await mqadmin(['updateOrderConf', '-n', n, '-t', 'TopicA', '-m', 'get']);
    assert.equal(gone.code, 1);
    assert.equal((await mqadmin(['deleteKvConfig', '-n', n, '-s', 'NS', '-k', 'k'])).out, 'delete kv config from namespace success.\n');
  });

  test('namesrv config: update then get', async () => {
    const update = await mqadmin(['updateNamesrvConfig', '-n', n, '-k', 'orderMessageEnable', '-v', 'true']);
    assert.equal(update.out, `update name server config success![${n}]\norderMessageEnable : true\n`);
    const get = await mqadmin(['getNamesrvConfig', '-n', n]);
    assert.ok(get.out.startsWith(`============${n}============\n`));
    assert.match(get.out, /^orderMessageEnable\s+=  true$/m);
    await mqadmin(['updateNamesrvConfig', '-n', n, '-k', 'orderMessageEnable', '-v', 'false']);
  });

  test('wipeWritePerm and addWritePerm report each NameServer; a failed one makes the exit code 1', async () => {
    const dead = await deadAddress();
    const wipe = await mqadmin(['wipeWritePerm', '-n', `${n};${dead}`, '-b', 'broker-a']);
    assert.equal(wipe.code, 1);
    assert.match(wipe.out, new RegExp(`wipe write perm of broker\\[broker-a\\] in name server\\[${n}\\] OK, 2`));
    assert.match(wipe.out, /Failed/);
    assert.equal(wipe.err.trim().split('\n').length, 1);
    const add = await mqadmin(['addWritePerm', '-n', n, '-b', 'broker-a']);
    assert.equal(add.code, 0);
    assert.equal(add.out, `add write perm of broker[broker-a] in name server[${n}] OK, 2\n`);
  });

  test('deleteTopic removes the route from the NameServer', async () => {
    const r = await mqadmin(['deleteTopic', '-n', n, '-t', 'TopicB', '-c', 'OtherCluster']);
    assert.equal(r.out, 'delete topic [TopicB] from NameServer success.\n');
    const route = await mqadmin(['topicRoute', '-n', n, '-t', 'TopicB']);
    assert.equal(route.code, 1);
  });

  test('NAMESRV_ADDR stands in for -n', async () => {
    const r = await mqadmin(['topicList'], { NAMESRV_ADDR: n });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /TopicTest/);
  });

  test('an unknown topic fails with a one-line reason', async () => {
    const r = await mqadmin(['topicRoute', '-n', n, '-t', 'NoSuchTopic']);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /No topic route info in name server for the topic: NoSuchTopic/);
  });
});

describe('mqadmin failures', () => {
  test('an unreachable NameServer: exit code 1 and one line', async () => {
    const r = await mqadmin(['clusterList', '-n', await deadAddress()]);
    assert.equal(r.code, 1);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /no NameServer answered/);
  });

  test('bad arguments: exit code 2', async () => {
    assert.equal((await mqadmin(['topicRoute', '-n', '127.0.0.1:9876'])).code, 2, 'missing -t');
    assert.equal((await mqadmin(['topicRoute', '-n', '127.0.0.1:9876', '-t', 'T', '--bogus'])).code, 2, 'unknown option');
    assert.equal((await mqadmin(['noSuchCommand'])).code, 2);
    const noAddress = await mqadmin(['topicList']);
    assert.equal(noAddress.code, 2);
    assert.match(noAddress.err, /NAMESRV_ADDR/);
  });

  test('help lists the commands', async () => {
    const r = await mqadmin([]);
    assert.equal(r.code, 0);
    for (const name of ['clusterList', 'topicRoute', 'updateOrderConf', 'deleteTopic']) assert.match(r.out, new RegExp(name));
  });
});

test('the mqadmin bin runs clusterList', async () => {
  const ns = await startNameServer();
  try {
    await registerFakeBroker(ns);
    const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/mqadmin.js');
    const { stdout, code } = await new Promise<{ stdout: string; code: number }>((resolve) => {
      execFile(process.execPath, [bin, 'clusterList', '-n', addressOf(ns), '--brokerTimeout', '200'], (error, stdout) => {
        resolve({ stdout, code: error ? Number(error.code ?? 1) : 0 });
      });
    });
    assert.equal(code, 0);
    assert.match(stdout, /DefaultCluster\s+broker-a/);
  } finally {
    await ns.stop();
  }
});
