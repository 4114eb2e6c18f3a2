import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { HttpContext } from '../../src/http/http-context.js';
import { consoleRoutes } from '../../src/http/routes/console.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { silentLogger } from '../../src/util/logger.js';
import { call, startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';

/** Only what the console's routes read. */
function contextWith(consoleNameServers: string, compareAnyAddress: boolean): HttpContext {
  return {
    logger: silentLogger(),
    now: () => 1,
    server: { startedAt: 0, tlsMode: 'disabled', remoting: () => ({ address: '0.0.0.0', port: 9876 }), http: () => null },
    console: { nameServers: () => consoleNameServers, compareAnyAddress: () => compareAnyAddress },
  } as unknown as HttpContext;
}

async function appWith(assetDir: string, consoleNameServers = '', compareAnyAddress = false): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(consoleRoutes, { ctx: contextWith(consoleNameServers, compareAnyAddress), assetDir });
  return app;
}

describe('console routes', () => {
  test('serve the bundle\'s files with their types', async () => {
    const dir = tempDir('console-assets-');
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
    fs.writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    const app = await appWith(dir);
    const index = await app.inject({ url: '/' });
    assert.equal(index.statusCode, 200);
    assert.match(index.headers['content-type'] as string, /^text\/html/);
    assert.equal(index.body, '<!doctype html><title>x</title>');
    const js = await app.inject({ url: '/app.js' });
    assert.match(js.headers['content-type'] as string, /^text\/javascript/);
    assert.equal((await app.inject({ url: '/app.css' })).statusCode, 404);
    await app.close();
  });

  test('without a built bundle, / says how to build it and the server still answers', async () => {
    const app = await appWith(path.join(tempDir('console-none-'), 'missing'));
    const index = await app.inject({ url: '/' });
    assert.equal(index.statusCode, 404);
    assert.match(index.body, /The web console is not built[\s\S]*npm run build/);
    await app.close();
  });

  test('list this NameServer (reachable form of a wildcard address) and consoleNameServers', async () => {
    const app = await appWith(tempDir('console-none-'), '10.0.0.2:9876;10.0.0.3:9876');
    const list = await app.inject({ url: '/api/v1/nameservers' });
    assert.deepEqual(list.json(), { self: '127.0.0.1:9876', configured: ['10.0.0.2:9876', '10.0.0.3:9876'] });
    await app.close();
  });

  test('refuse a comparison of malformed, too few or too many addresses with 400', async () => {
    const app = await appWith(tempDir('console-none-'), '', true);
    for (const addrs of ['nonsense', '10.0.0.2:9876', Array.from({ length: 11 }, (_, i) => `10.0.0.${i}:9876`).join(';')]) {
      const response = await app.inject({ url: `/api/v1/nameservers/compare?addrs=${encodeURIComponent(addrs)}` });
      assert.equal(response.statusCode, 400, addrs);
      assert.equal(typeof response.json().error, 'string');
    }
    // No addrs and no consoleNameServers: this server alone is not a comparison.
    assert.equal((await app.inject({ url: '/api/v1/nameservers/compare' })).statusCode, 400);
    await app.close();
  });

  test('by default (consoleCompareAnyAddress=false), refuse to compare addresses that are not listed (403), before connecting anywhere', async () => {
    const app = await appWith(tempDir('console-none-'), '10.0.0.2:9876');
    const response = await app.inject({ url: `/api/v1/nameservers/compare?addrs=${encodeURIComponent('127.0.0.1:9876;10.9.9.9:9876')}` });
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error, /consoleCompareAnyAddress=false.*not listed: 10\.9\.9\.9:9876/);
    await app.close();
  });
});

describe('console routes in a running NameServer', () => {
  let primary: RunningNameServer;
  let secondary: RunningNameServer;

  before(async () => {
    secondary = await startNameServer();
    primary = await startNameServer({ http: { consoleNameServers: `127.0.0.1:${secondary.port}` } });
  });

  after(() => Promise.all([primary.stop(), secondary.stop()]));

  test('serve the console at / and compare with consoleNameServers by default', async () => {
    const base = `http://127.0.0.1:${primary.httpPort}`;
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<script type="module" src="app.js">/);
    const report = (await (await fetch(`${base}/api/v1/nameservers/compare`)).json()) as { agree: boolean; nameServers: { address: string }[] };
    assert.equal(report.agree, true);
    assert.deepEqual(report.nameServers.map((ns) => ns.address), [`127.0.0.1:${primary.port}`, `127.0.0.1:${secondary.port}`]);
  });

  test('a remote caller cannot choose where the comparison connects (UPDATE_NAMESRV_CONFIG refuses both settings)', async () => {
    const client = await primary.connect();
    for (const body of ['consoleNameServers=10.9.9.9:9876\n', 'consoleCompareAnyAddress=true\n']) {
      const response = await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body });
      assert.equal(response.code, ResponseCode.NO_PERMISSION, body);
    }
    assert.equal(primary.configuration.http.consoleNameServers, `127.0.0.1:${secondary.port}`);
    assert.equal(primary.configuration.http.consoleCompareAnyAddress, false);
    const refused = await fetch(`http://127.0.0.1:${primary.httpPort}/api/v1/nameservers/compare?addrs=${encodeURIComponent(`127.0.0.1:${primary.port};10.9.9.9:9876`)}`);
    assert.equal(refused.status, 403);
  });

  test('with consoleCompareAnyAddress=true, a caller may name other NameServers', async () => {
    const open = await startNameServer({ http: { consoleCompareAnyAddress: true } });
    try {
      const addrs = `127.0.0.1:${open.port};127.0.0.1:${secondary.port}`;
      const response = await fetch(`http://127.0.0.1:${open.httpPort}/api/v1/nameservers/compare?addrs=${encodeURIComponent(addrs)}`);
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { agree: boolean }).agree, true);
    } finally {
      await open.stop();
    }
  });
});
