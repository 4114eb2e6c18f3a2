import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import type { HttpContext } from '../../src/http/http-context.js';
import { createHttpServer, listenHttp, type RouteOptions } from '../../src/http/http-server.js';
import { HttpListenError } from '../../src/http/http-listen-error.js';
import { silentLogger } from '../../src/util/logger.js';
import { httpGet } from '../support/http.js';

const failing: FastifyPluginAsync<RouteOptions> = async (app) => {
  app.get('/boom', async () => {
    throw new Error('secret internals at /src/somewhere.ts:12');
  });
};

/** Only what the error handler reads. */
const ctx = { logger: silentLogger() } as unknown as HttpContext;

test('a route that throws answers 500 {"error":"internal error"}: no message, no stack', async () => {
  const app = createHttpServer(ctx, { plugins: [failing] });
  try {
    const { port } = await listenHttp(app, 0, '127.0.0.1');
    const answer = await httpGet(port, '/boom');
    assert.equal(answer.status, 500);
    assert.deepEqual(JSON.parse(answer.text), { error: 'internal error' });
  } finally {
    await app.close();
  }
});

test('a port in use is an HttpListenError with the system code', async () => {
  const holder = createHttpServer(ctx, { plugins: [] });
  const second = createHttpServer(ctx, { plugins: [] });
  try {
    const { port } = await listenHttp(holder, 0, '127.0.0.1');
    await assert.rejects(listenHttp(second, port, '127.0.0.1'), (err: unknown) => {
      assert.ok(err instanceof HttpListenError);
      assert.equal(err.code, 'EADDRINUSE');
      assert.equal(err.port, port);
      return true;
    });
  } finally {
    await second.close();
    await holder.close();
  }
});
