import assert from 'node:assert/strict';
import https from 'node:https';
import type tls from 'node:tls';
import { describe, test } from 'node:test';
import type { HttpsReloadEvent } from '../../src/http/https-identity.js';
import { httpGet } from '../support/http.js';
import { startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { isolated, makeLeaf, makeTempDir, writePems, type Pems } from '../tls/tls-fixtures.js';

/** One GET over a fresh TLS connection, trusting `ca`; resolves with the status and the certificate the server showed. */
function httpsGet(port: number, path: string, ca: string): Promise<{ status: number; fingerprint: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path, ca, agent: false, servername: 'localhost' }, (response) => {
      const fingerprint = (response.socket as tls.TLSSocket).getPeerX509Certificate()?.fingerprint256;
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, fingerprint }));
    });
    request.on('error', reject);
  });
}

/** A NameServer whose remoting side has `pems` as its certificate files (`server.crt`, `server.key` in `dir`). */
async function startWithCertificate(dir: string, pems: Pems): Promise<RunningNameServer> {
  const files = await writePems(dir, 'server', pems);
  const tls = isolated(dir, { 'tls.server.certPath': files.certPath, 'tls.server.keyPath': files.keyPath });
  return startNameServer({ tls }, undefined, { httpsWatchDebounceMs: 20 });
}

describe('HTTPS on the HTTP listener', () => {
  test('serves HTTPS with the remoting side\'s certificate files, and picks up new ones without a restart', async () => {
    const dir = await makeTempDir();
    const first = await makeLeaf('localhost');
    const ns = await startWithCertificate(dir.dir, first);
    try {
      assert.equal(ns.app.https, true);
      const before = await httpsGet(ns.httpPort!, '/health/ready', first.cert);
      assert.equal(before.status, 200);
      assert.equal(before.fingerprint, ns.app.httpsIdentity!.fingerprint);
      assert.equal(before.fingerprint, ns.server.serverTls!.fingerprint, 'the same certificate as the remoting port');
      await assert.rejects(httpGet(ns.httpPort!, '/health/ready'), 'plain HTTP is not served beside HTTPS');

      const second = await makeLeaf('localhost');
      const reloaded = new Promise<HttpsReloadEvent>((resolve) => {
        ns.app.httpsIdentity!.onReload((event) => {
          if (event.outcome === 'reloaded') resolve(event);
        });
      });
      await writePems(dir.dir, 'server', second);
      const event = await reloaded;
      const after = await httpsGet(ns.httpPort!, '/health/ready', second.cert);
      assert.equal(after.fingerprint, event.outcome === 'reloaded' ? event.fingerprint : null);
      assert.notEqual(after.fingerprint, before.fingerprint);
    } finally {
      await ns.stop();
      await dir.remove();
    }
  });

  test('files not usable at start-up: HTTPS handshakes fail (never plain HTTP) until a usable pair is written', async () => {
    const dir = await makeTempDir();
    const good = await makeLeaf('localhost');
    const other = await makeLeaf('localhost');
    // A certificate with another certificate's key: not a usable pair.
    const ns = await startWithCertificate(dir.dir, { cert: good.cert, key: other.key });
    try {
      assert.equal(ns.app.https, true);
      assert.equal(ns.app.httpsIdentity!.fingerprint, null);
      await assert.rejects(httpsGet(ns.httpPort!, '/health/live', good.cert));
      await assert.rejects(httpGet(ns.httpPort!, '/health/live'));
      const reloaded = new Promise<void>((resolve) => {
        ns.app.httpsIdentity!.onReload((event) => {
          if (event.outcome === 'reloaded') resolve();
        });
      });
      await writePems(dir.dir, 'server', good);
      await reloaded;
      assert.equal((await httpsGet(ns.httpPort!, '/health/live', good.cert)).status, 200);
    } finally {
      await ns.stop();
      await dir.remove();
    }
  });

  test('stays plain HTTP without certificate files (the test mode\'s generated certificate is for remoting only)', async () => {
    const ns = await startNameServer();
    try {
      assert.equal(ns.app.https, false);
      assert.equal((await httpGet(ns.httpPort!, '/health/live')).status, 200);
    } finally {
      await ns.stop();
    }
  });

  test('stays plain HTTP with tls.server.mode=disabled, whatever files are configured', async () => {
    const dir = await makeTempDir();
    const files = await writePems(dir.dir, 'server', await makeLeaf('localhost'));
    const ns = await startNameServer({ tls: isolated(dir.dir, { 'tls.server.mode': 'disabled', 'tls.server.certPath': files.certPath, 'tls.server.keyPath': files.keyPath }) });
    try {
      assert.equal(ns.app.https, false);
      assert.equal((await httpGet(ns.httpPort!, '/health/live')).status, 200);
    } finally {
      await ns.stop();
      await dir.remove();
    }
  });
});
