import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson } from '../support/http.js';
import { startNameServer } from '../support/nameserver-harness.js';

test('live answers 200; ready answers 200 once started', async () => {
  const ns = await startNameServer();
  try {
    assert.deepEqual(await getJson(ns.httpPort!, '/health/live'), { status: 200, body: { status: 'ok' } });
    assert.deepEqual(await getJson(ns.httpPort!, '/health/ready'), { status: 200, body: { status: 'ok' } });
  } finally {
    await ns.stop();
  }
});

test('ready answers 503 with the reason during the needWaitForService window, 200 after it (injected clock)', async () => {
  const ns = await startNameServer({ namesrv: { needWaitForService: true, waitSecondsForService: 45 } });
  try {
    const waiting = await getJson(ns.httpPort!, '/health/ready');
    assert.equal(waiting.status, 503);
    assert.deepEqual(waiting.body, { status: 'starting', reason: 'needWaitForService: route lookups are refused for 45 s more' });
    assert.equal((await getJson(ns.httpPort!, '/health/live')).status, 200, 'alive all along');

    ns.clock.advance(44_001);
    assert.equal((await getJson(ns.httpPort!, '/health/ready')).status, 503);
    ns.clock.advance(999);
    assert.deepEqual(await getJson(ns.httpPort!, '/health/ready'), { status: 200, body: { status: 'ok' } });
  } finally {
    await ns.stop();
  }
});

test('ready reports a remoting port that no longer listens', async () => {
  const ns = await startNameServer();
  try {
    assert.deepEqual(ns.server.readiness(), { ready: true });
    await ns.stop();
    assert.deepEqual(ns.server.readiness(), { ready: false, reason: 'the remoting port is not listening' });
  } finally {
    await ns.stop();
  }
});

test('httpEnable=false opens no HTTP port', async () => {
  const ns = await startNameServer({ http: { httpEnable: false } });
  try {
    assert.equal(ns.httpPort, null);
    assert.equal(ns.app.httpEndpoint, null);
  } finally {
    await ns.stop();
  }
});
