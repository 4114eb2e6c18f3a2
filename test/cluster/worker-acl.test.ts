import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import type { Credentials } from '../../src/security/signature.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';
import { ACL_FILE, ELSEWHERE, PLAIN, replaceFile, send } from '../security/acl-harness.js';

const LOOKUP = { extFields: { topic: 'TopicA' } };

/** A NameServer with `aclEnable` and `aclReads` (route lookups must be signed). */
async function startSigned(servingProcesses: number): Promise<RunningNameServer & { aclFile: string }> {
  const home = tempDir('namesrv-worker-acl-');
  const aclFile = path.join(home, 'plain_acl.yml');
  fs.writeFileSync(aclFile, ACL_FILE);
  const ns = await startNameServer({ homeDir: home, servingProcesses, security: { aclEnable: true, aclReads: true, aclBrokerRequests: false, aclFile } }, undefined, {
    aclWatchDebounceMs: 10,
  });
  const broker = new FakeBroker(await ns.connect(), { topics: [topic('TopicA'), topic('TopicB')] });
  assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
  return { ...ns, aclFile };
}

/** What a lookup is answered, as code and remark. */
async function lookup(client: ClientConnection, credentials?: Credentials): Promise<{ code: number; remark: string | null }> {
  const answer = await send(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { ...LOOKUP, credentials });
  return { code: answer.code, remark: answer.remark ?? null };
}

describe('aclEnable with serving processes: workers check lookups as the primary does', () => {
  let multi: RunningNameServer & { aclFile: string };
  let single: RunningNameServer & { aclFile: string };
  before(async () => {
    [multi, single] = await Promise.all([startSigned(2), startSigned(1)]);
  });
  after(async () => {
    await Promise.all([multi?.stop(), single?.stop()]);
  });

  it('answers signed lookups from its copy; unsigned and wrongly signed ones get the same refusal as in one process', async () => {
    const cluster = multi.server.servingCluster!;
    assert.ok(cluster, 'several processes serve the port');
    const [client, reference] = await Promise.all([multi.connect(), single.connect()]);

    assert.equal((await lookup(client, PLAIN)).code, ResponseCode.SUCCESS);
    const forwarded = cluster.forwardedCount;
    for (let i = 0; i < 5; i++) assert.equal((await lookup(client, PLAIN)).code, ResponseCode.SUCCESS);
    assert.equal(cluster.forwardedCount, forwarded, 'signed lookups answered from the worker\'s copy');

    const refused: Array<Credentials | undefined> = [undefined, { ...PLAIN, secretKey: 'wrong' }, { accessKey: 'nobody', secretKey: 'x' }, ELSEWHERE];
    for (const credentials of refused) {
      const answer = await lookup(client, credentials);
      assert.equal(answer.code, ResponseCode.NO_PERMISSION);
      assert.deepEqual(answer, await lookup(reference, credentials));
    }
    assert.equal(cluster.forwardedCount, forwarded + refused.length, 'refusals are the primary\'s to answer');
  });

  it('checks against the accounts of the ACL file as the primary reads it again', async () => {
    const client = await multi.connect();
    assert.equal((await lookup(client, PLAIN)).code, ResponseCode.SUCCESS);
    assert.equal((await lookup(client, PLAIN)).code, ResponseCode.SUCCESS, 'from the copy');

    replaceFile(multi.aclFile, ACL_FILE.replace('secretKey: 12345678\n    whiteRemoteAddress:', 'secretKey: changed\n    whiteRemoteAddress:'));
    await until(async () => (await lookup(client, PLAIN)).code === ResponseCode.NO_PERMISSION);
    assert.deepEqual(await lookup(client, PLAIN), { code: ResponseCode.NO_PERMISSION, remark: 'Check signature failed for accessKey=RocketMQ' });
    const forwarded = multi.server.servingCluster!.forwardedCount;
    assert.equal((await lookup(client, { ...PLAIN, secretKey: 'changed' })).code, ResponseCode.SUCCESS);
    assert.equal((await lookup(client, { ...PLAIN, secretKey: 'changed' })).code, ResponseCode.SUCCESS);
    assert.equal(multi.server.servingCluster!.forwardedCount, forwarded, 'the new key is answered from the copy');
  });
});
