import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { basicCredentials } from '../../src/http/access.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { httpGet } from '../support/http.js';
import { call, startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';

const ACL = `accounts:
  - {accessKey: http-admin, secretKey: "admin-secret", admin: true}
  - {accessKey: http-reader, secretKey: "reader-secret", admin: false}
  - {accessKey: elsewhere, secretKey: "elsewhere-secret", whiteRemoteAddress: "10.1.*.*", admin: true}
`;

const basic = (accessKey: string, secretKey: string) => ({ authorization: `Basic ${Buffer.from(`${accessKey}:${secretKey}`).toString('base64')}` });
const ADMIN = basic('http-admin', 'admin-secret');
const READER = basic('http-reader', 'reader-secret');

describe('HTTP with aclEnable=true', () => {
  let ns: RunningNameServer;
  let other: RunningNameServer;
  const get = (url: string, headers: Record<string, string> = {}) => httpGet(ns.httpPort!, url, headers);

  before(async () => {
    const home = tempDir('namesrv-http-acl-');
    const aclFile = path.join(home, 'plain_acl.yml');
    fs.writeFileSync(aclFile, ACL);
    other = await startNameServer();
    ns = await startNameServer({
      homeDir: home,
      security: { aclEnable: true, aclReads: true, aclFile },
      http: { consoleNameServers: `127.0.0.1:${other.port}` },
    });
    await ns.server.kv.put('NS', 'K', 'V');
  });

  after(() => Promise.all([ns.stop(), other.stop()]));

  test('remoting refuses an unsigned KV read, and so does HTTP: 401 with a JSON error and a Basic challenge', async () => {
    const client = await ns.connect();
    assert.equal((await call(client, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K' } })).code, ResponseCode.NO_PERMISSION);
    for (const url of ['/api/v1/kv', '/api/v1/kv/NS', '/api/v1/config', '/api/v1/topics', '/api/v1/topics/TopicTest/route', '/api/v1/overview', '/api/v1/nameservers', '/api/v1/no-such-thing']) {
      const answer = await get(url);
      assert.equal(answer.status, 401, url);
      assert.match(JSON.parse(answer.text).error, /needs an account of the ACL file: HTTP Basic/, url);
    }
    const challenge = await fetch(`http://127.0.0.1:${ns.httpPort}/api/v1/kv`);
    assert.equal(challenge.headers.get('www-authenticate'), 'Basic realm="RocketMQ NameServer", charset="UTF-8"');
  });

  test('the console\'s calls (x-requested-with) get no challenge, so the browser opens no dialog of its own', async () => {
    const response = await fetch(`http://127.0.0.1:${ns.httpPort}/api/v1/kv`, { headers: { 'x-requested-with': 'console' } });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), null);
  });

  test('probes, metrics, the address server and the console\'s files need no account', async () => {
    for (const url of ['/health/live', '/health/ready', '/metrics', '/rocketmq/nsaddr', '/']) {
      const answer = await get(url);
      assert.notEqual(answer.status, 401, url);
      assert.notEqual(answer.status, 403, url);
    }
  });

  test('any account reads; wrong keys, malformed credentials and unknown accounts are 401', async () => {
    assert.deepEqual(JSON.parse((await get('/api/v1/kv', READER)).text), { namespaces: { NS: { K: 'V' } } });
    assert.deepEqual(JSON.parse((await get('/api/v1/kv/NS', ADMIN)).text), { namespace: 'NS', entries: { K: 'V' } });
    assert.equal((await get('/api/v1/kv', basic('http-reader', 'admin-secret'))).status, 401);
    assert.equal((await get('/api/v1/kv', basic('nobody-at-all', 'reader-secret'))).status, 401);
    assert.equal((await get('/api/v1/kv', { authorization: 'Basic !!!' })).status, 401);
    assert.equal((await get('/api/v1/kv', { authorization: 'Bearer abc' })).status, 401);
  });

  test('an account limited to other addresses (whiteRemoteAddress) is refused with 403', async () => {
    const answer = await get('/api/v1/kv', basic('elsewhere', 'elsewhere-secret'));
    assert.equal(answer.status, 403);
    assert.match(JSON.parse(answer.text).error, /may not be used from this address/);
  });

  test('comparing NameServers connects elsewhere: a reader gets 403 before anything connects, an admin the report', async () => {
    const refused = await get('/api/v1/nameservers/compare', READER);
    assert.equal(refused.status, 403);
    assert.match(JSON.parse(refused.text).error, /needs an admin account; http-reader is not one/);
    const answer = await get('/api/v1/nameservers/compare', ADMIN);
    assert.equal(answer.status, 200, answer.text);
    const report = JSON.parse(answer.text) as { nameServers: { address: string; reachable: boolean; error: string | null }[] };
    // This server has aclReads=true: it answered because the comparison signs with the caller's account.
    assert.deepEqual(
      report.nameServers.map((n) => [n.address, n.reachable, n.error]),
      [
        [`127.0.0.1:${ns.port}`, true, null],
        [`127.0.0.1:${other.port}`, true, null],
      ],
    );
  });

  test('with aclAdminRequiresTls, admin endpoints refuse plain HTTP even for an admin; reads still work', async () => {
    ns.configuration.security.aclAdminRequiresTls = true;
    try {
      const refused = await get('/api/v1/nameservers/compare', ADMIN);
      assert.equal(refused.status, 403);
      assert.match(JSON.parse(refused.text).error, /served over HTTPS only \(aclAdminRequiresTls\)/);
      assert.equal((await get('/api/v1/kv', READER)).status, 200);
    } finally {
      ns.configuration.security.aclAdminRequiresTls = false;
    }
  });
});

test('Basic credentials: accessKey before the first colon, the secret may hold colons', () => {
  assert.deepEqual(basicCredentials(`Basic ${Buffer.from('ak123456:se:cr:et').toString('base64')}`), { accessKey: 'ak123456', secretKey: 'se:cr:et' });
  assert.equal(basicCredentials(`Basic ${Buffer.from(':secret').toString('base64')}`), null);
  assert.equal(basicCredentials(undefined), null);
  assert.equal(basicCredentials('Digest abc'), null);
});

test('without aclEnable, HTTP asks for no account', async () => {
  const ns = await startNameServer();
  try {
    assert.equal((await httpGet(ns.httpPort!, '/api/v1/kv')).status, 200);
  } finally {
    await ns.stop();
  }
});

test('an admin\'s account signs the comparison\'s requests only towards listed NameServers', async () => {
  const home = tempDir('namesrv-http-acl-any-');
  const aclFile = path.join(home, 'plain_acl.yml');
  fs.writeFileSync(aclFile, ACL);
  const security = { aclEnable: true, aclReads: true, aclFile };
  // Both check signed reads with the same accounts: a signed request would be answered by either.
  const unlisted = await startNameServer({ security });
  const ns = await startNameServer({ homeDir: home, security, http: { consoleCompareAnyAddress: true } });
  try {
    const addrs = `127.0.0.1:${ns.port};127.0.0.1:${unlisted.port}`;
    const answer = await httpGet(ns.httpPort!, `/api/v1/nameservers/compare?addrs=${encodeURIComponent(addrs)}`, ADMIN);
    assert.equal(answer.status, 200, answer.text);
    const report = JSON.parse(answer.text) as { nameServers: { address: string; reachable: boolean; error: string | null }[] };
    // Unsigned (a signature does not cover the request code, so it must not reach an address nobody listed), both refuse.
    assert.deepEqual(report.nameServers.map((n) => n.reachable), [false, false]);
    assert.match(report.nameServers[1]!.error ?? '', /needs a signed request/);
  } finally {
    await Promise.all([ns.stop(), unlisted.stop()]);
  }
});
