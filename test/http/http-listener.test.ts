import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpListener, type RequestRouter } from '../../src/http/http-listener.js';
import { HttpListenError } from '../../src/http/http-listen-error.js';
import { silentLogger } from '../../src/util/logger.js';
import { getJson, httpGet } from '../support/http.js';
import { startNameServer } from '../support/nameserver-harness.js';

test('a NameServer listens on HTTP with its routes and metrics unloaded until the first request', async () => {
  const ns = await startNameServer();
  try {
    assert.equal(ns.app.prometheusMetrics, null, 'nothing loaded at start');
    const answers = await Promise.all([getJson(ns.httpPort!, '/health/live'), getJson(ns.httpPort!, '/api/v1/version'), httpGet(ns.httpPort!, '/metrics')]);
    assert.deepEqual(answers[0], { status: 200, body: { status: 'ok' } });
    assert.equal(answers[1].status, 200, 'requests that came while the routes loaded are answered');
    assert.match(answers[2].text, /rocketmq_namesrv_/);
    assert.notEqual(ns.app.prometheusMetrics, null);
  } finally {
    await ns.stop();
  }
});

test('routes that fail to load answer 500 and are loaded again at the next request', async () => {
  let attempts = 0;
  const router: RequestRouter = { route: (_request, response) => void response.end('routed'), close: async () => undefined };
  const listener = new HttpListener({
    logger: silentLogger(),
    loadRouter: async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('module missing');
      return router;
    },
  });
  const { port } = await listener.listen(0, '127.0.0.1');
  try {
    const failed = await httpGet(port, '/');
    assert.equal(failed.status, 500);
    assert.deepEqual(JSON.parse(failed.text), { error: 'internal error' });
    assert.equal(listener.loaded, false);
    assert.equal((await httpGet(port, '/')).text, 'routed');
    assert.equal((await httpGet(port, '/')).text, 'routed');
    assert.equal(attempts, 2, 'loaded once it worked, never again');
    assert.equal(listener.loaded, true);
  } finally {
    await listener.close();
  }
});

test('a port in use is an HttpListenError naming the port', async () => {
  const loadRouter = async (): Promise<RequestRouter> => assert.fail('no request expected');
  const holder = new HttpListener({ logger: silentLogger(), loadRouter });
  const { port } = await holder.listen(0, '127.0.0.1');
  const second = new HttpListener({ logger: silentLogger(), loadRouter });
  try {
    await assert.rejects(second.listen(port, '127.0.0.1'), (err: unknown) => err instanceof HttpListenError && err.port === port && err.code === 'EADDRINUSE');
  } finally {
    await Promise.all([holder.close(), second.close().catch(() => undefined)]);
  }
});
