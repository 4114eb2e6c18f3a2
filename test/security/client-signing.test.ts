import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/mqadmin.js';
import { BrokerRegistration } from '../../src/client/broker/broker-registration.js';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { readToolsCredentials } from '../../src/security/tools-file.js';
import { topic } from '../support/fake-broker.js';
import { tempDir } from '../support/nameserver-harness.js';
import { ADMIN, PLAIN, startAclServer, type AclServer } from './acl-harness.js';

async function mqadmin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
  process.exitCode = 0;
  return { code, out, err };
}

function rocketmqHomeWithTools(text: string): string {
  const home = tempDir('rocketmq-home-');
  fs.mkdirSync(path.join(home, 'conf'));
  fs.writeFileSync(path.join(home, 'conf', 'tools.yml'), text);
  return home;
}

describe('clients that sign their requests', () => {
  let ns: AclServer;
  let n: string;
  before(async () => {
    ns = await startAclServer();
    n = `127.0.0.1:${ns.port}`;
  });
  after(() => ns.stop());

  it('NameServerClient with credentials runs admin requests; without, it gets NO_PERMISSION', async () => {
    const signed = new NameServerClient({ nameServers: n, credentials: ADMIN });
    const unsigned = new NameServerClient({ nameServers: n });
    try {
      await signed.putKvConfig('NS', 'signed', 'yes');
      assert.equal(await unsigned.getKvConfig('NS', 'signed'), 'yes', 'reads are open');
      await assert.rejects(unsigned.putKvConfig('NS', 'unsigned', 'no'), (err: Error) => /code 16/.test(err.message));
      assert.equal(await unsigned.getKvConfig('NS', 'unsigned'), null);
    } finally {
      await Promise.all([signed.close(), unsigned.close()]);
    }
  });

  it('BrokerRegistration with credentials registers where broker requests need a signature', async () => {
    const config = () => ({
      dataVersion: { stateVersion: 0, timestamp: 1, counter: 1 },
      topicConfigTable: new Map([topic('SignedA'), topic('SignedB')].map((t) => [t.topicName, t])),
    });
    const identity = { nameServers: n, clusterName: 'DefaultCluster', brokerId: 0, topicConfig: config };
    const refused = new BrokerRegistration({ ...identity, brokerName: 'unsigned-broker', brokerAddr: '127.0.0.1:41911' });
    const accepted = new BrokerRegistration({ ...identity, brokerName: 'signed-broker', brokerAddr: '127.0.0.1:42911', credentials: PLAIN });
    try {
      const [bad] = await refused.registerAll();
      assert.equal(bad!.ok, false);
      const [good] = await accepted.registerAll();
      assert.equal(good!.ok, true);
      const client = new NameServerClient({ nameServers: n });
      const cluster = await client.getClusterInfo().finally(() => client.close());
      assert.ok(cluster.brokerAddrTable.has('signed-broker'));
      assert.equal(cluster.brokerAddrTable.has('unsigned-broker'), false);
    } finally {
      await Promise.all([refused.close(), accepted.close()]);
    }
  });

  it('mqadmin signs with --accessKey/--secretKey', async () => {
    const ok = await mqadmin(['updateKvConfig', '-n', n, '-s', 'NS', '-k', 'cli', '-v', '1', '--accessKey', ADMIN.accessKey, '--secretKey', ADMIN.secretKey]);
    assert.equal(ok.code, 0, ok.err);
    const refused = await mqadmin(['updateKvConfig', '-n', n, '-s', 'NS', '-k', 'cli', '-v', '2']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /code 16: PUT_KV_CONFIG needs a signed request/);
    const half = await mqadmin(['updateKvConfig', '-n', n, '-s', 'NS', '-k', 'cli', '-v', '2', '--accessKey', 'rocketmq2']);
    assert.equal(half.code, 2);
  });

  it('mqadmin signs with Java\'s $ROCKETMQ_HOME/conf/tools.yml, as Java\'s mqadmin does', async () => {
    const home = rocketmqHomeWithTools('accessKey: rocketmq2\nsecretKey: 12345678\n');
    const ok = await mqadmin(['updateKvConfig', '-n', n, '-s', 'NS', '-k', 'tools', '-v', '1'], { ROCKETMQ_HOME: home });
    assert.equal(ok.code, 0, ok.err);
    const wrong = rocketmqHomeWithTools('accessKey: rocketmq2\nsecretKey: 87654321\n');
    const refused = await mqadmin(['updateKvConfig', '-n', n, '-s', 'NS', '-k', 'tools', '-v', '2'], { ROCKETMQ_HOME: wrong });
    assert.equal(refused.code, 1);
    assert.match(refused.err, /Check signature failed for accessKey=rocketmq2/);
  });

  it('tools.yml with a blank key, or none, means unsigned requests', () => {
    assert.equal(readToolsCredentials(path.join(rocketmqHomeWithTools('accessKey: rocketmq2\nsecretKey:\n'), 'conf', 'tools.yml')), null);
    assert.equal(readToolsCredentials('/nonexistent/tools.yml'), null);
    assert.deepEqual(readToolsCredentials(path.join(rocketmqHomeWithTools('accessKey: rocketmq2\nsecretKey: 012345678\n'), 'conf', 'tools.yml')), {
      accessKey: 'rocketmq2',
      secretKey: '012345678',
    });
  });
});
