import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { createRequest } from '../../src/remoting/remoting-command.js';
import { AccessControl } from '../../src/security/access-control.js';
import type { Refusal } from '../../src/security/access-policy.js';
import { signRequest } from '../../src/security/signature.js';
import { silentLogger } from '../../src/util/logger.js';
import { tempDir } from '../support/nameserver-harness.js';
import { ACL_FILE, ADMIN, PLAIN, replaceFile, send, startAclServer } from './acl-harness.js';

const PUT = { extFields: { namespace: 'NS', key: 'K', value: 'V' } };


describe('the ACL file changed on disk', () => {
  it('takes effect without a restart; a file that does not parse keeps the accounts in force', async () => {
    const ns = await startAclServer();
    try {
      const client = await ns.connect();
      assert.equal((await send(client, RequestCode.PUT_KV_CONFIG, { ...PUT, credentials: PLAIN })).code, ResponseCode.NO_PERMISSION);

      let reload = ns.nextReload();
      replaceFile(ns.aclFile, ACL_FILE.replace('admin: false', 'admin: true'));
      assert.deepEqual(await reload, { outcome: 'reloaded', accounts: 3 });
      assert.equal((await send(client, RequestCode.PUT_KV_CONFIG, { ...PUT, credentials: PLAIN })).code, ResponseCode.SUCCESS);

      reload = ns.nextReload();
      replaceFile(ns.aclFile, 'accounts:\n  - accessKey: [broken\n');
      const rejected = await reload;
      assert.equal(rejected.outcome, 'rejected');
      assert.equal((await send(client, RequestCode.PUT_KV_CONFIG, { ...PUT, credentials: PLAIN })).code, ResponseCode.SUCCESS, 'previous accounts kept');

      reload = ns.nextReload();
      replaceFile(ns.aclFile, 'accounts:\n  - accessKey: rocketmq2\n    secretKey: another-secret\n    admin: true\n');
      assert.deepEqual(await reload, { outcome: 'reloaded', accounts: 1 });
      const stale = await send(client, RequestCode.PUT_KV_CONFIG, { ...PUT, credentials: ADMIN });
      assert.equal(stale.code, ResponseCode.NO_PERMISSION);
      assert.equal(stale.remark, 'Check signature failed for accessKey=rocketmq2');
      const fresh = await send(client, RequestCode.PUT_KV_CONFIG, { ...PUT, credentials: { accessKey: 'rocketmq2', secretKey: 'another-secret' } });
      assert.equal(fresh.code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });

  it('a missing file at start refuses signed requests until it appears', async () => {
    const dir = tempDir('acl-missing-');
    const file = path.join(dir, 'plain_acl.yml');
    const refusals: Refusal[] = [];
    const control = await AccessControl.start({
      file,
      switches: { aclBrokerRequests: true, aclReads: false },
      logger: silentLogger(),
      onRefused: (refusal) => refusals.push(refusal),
      watchDebounceMs: 10,
    });
    try {
      const signed = () => {
        const request = createRequest({ code: RequestCode.PUT_KV_CONFIG, extFields: { ...PUT.extFields } });
        return control.check(signRequest(request, ADMIN), { remoteAddress: '127.0.0.1:5000', secure: false });
      };
      assert.equal(signed()?.remark, 'No acl config for rocketmq2');
      const loaded = new Promise((resolve) => control.onReload(resolve));
      replaceFile(file, ACL_FILE);
      assert.deepEqual(await loaded, { outcome: 'reloaded', accounts: 3 });
      assert.equal(signed(), null);
      assert.deepEqual(refusals.map((r) => r.reason), ['unknown-access-key']);
    } finally {
      await control.close();
    }
  });
});

