import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

describe('remote configuration cannot weaken the server', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer({ tls: { 'tls.server.mode': 'permissive', 'tls.server.keyPassword': 'hunter2' } });
  });
  after(() => ns.stop());

  it('refuses tls.* updates with NO_PERMISSION and Java\'s remark, and persists nothing', async () => {
    const client = await ns.connect();
    const response = await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'tls.server.mode=disabled\norderMessageEnable=true' });
    assert.equal(response.code, ResponseCode.NO_PERMISSION);
    assert.equal(response.remark, 'Can not update config in black list.');
    assert.equal(ns.configuration.tls['tls.server.mode'], 'permissive');
    assert.equal(ns.configuration.namesrv.orderMessageEnable, false);
    assert.equal(fs.existsSync(path.join(ns.home, 'namesrv', 'namesrv.properties')), false);
  });

  it('never sends a secret: GET_NAMESRV_CONFIG shows key passwords redacted', async () => {
    const client = await ns.connect();
    const response = await call(client, RequestCode.GET_NAMESRV_CONFIG);
    assert.equal(response.code, ResponseCode.SUCCESS);
    const text = response.body!.toString('utf8');
    assert.match(text, /^tls\.server\.keyPassword=\*{6}$/m);
    assert.ok(!text.includes('hunter2'));
  });

  it('ignores unknown keys with SUCCESS, as Java does, and applies the known ones', async () => {
    const client = await ns.connect();
    const response = await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'noSuchProperty=1\nscanNotActiveBrokerInterval=7000' });
    assert.equal(response.code, ResponseCode.SUCCESS, response.remark ?? '');
    assert.equal(ns.configuration.namesrv.scanNotActiveBrokerInterval, 7000);
    const persisted = fs.readFileSync(path.join(ns.home, 'namesrv', 'namesrv.properties'), 'utf8');
    assert.ok(!persisted.includes('noSuchProperty'));
    assert.match(persisted, /^tls\.server\.keyPassword=hunter2$/m, 'the file keeps what the next start needs');
  });
});
