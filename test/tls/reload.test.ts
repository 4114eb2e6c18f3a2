import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createServerTls, type ServerTls, type TlsReloadEvent } from '../../src/remoting/tls/index.js';
import {
  attempt,
  capturingLogger,
  connect,
  ERROR,
  isolated,
  makeCa,
  makeLeaf,
  makeTempDir,
  nextReload,
  peerFingerprint,
  ping,
  replaceFile,
  startServer,
  TRUST_ANY,
  writePems,
  type CapturedLog,
  type Pems,
} from './tls-fixtures.js';

const DEBOUNCE_MS = 30;

function fingerprintOf(pems: Pems): string {
  return new crypto.X509Certificate(pems.cert).fingerprint256;
}

describe('reloading certificates changed on disk', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let original: Pems;
  let files: { certPath: string; keyPath: string };
  let serverTls: ServerTls;
  let records: CapturedLog[];
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeEach(async () => {
    temp = await makeTempDir();
    original = await makeLeaf('original');
    files = await writePems(temp.dir, 'server', original);
    const captured = capturingLogger();
    records = captured.records;
    const created = await createServerTls({
      properties: isolated(temp.dir, { 'tls.server.certPath': files.certPath, 'tls.server.keyPath': files.keyPath, 'tls.test.mode.enable': 'false' }),
      env: {},
      logger: captured.logger,
      watchDebounceMs: DEBOUNCE_MS,
    });
    assert.ok(created);
    serverTls = created;
    server = await startServer(serverTls);
  });
  afterEach(async () => {
    await server.close();
    await temp.remove();
  });

  it('swapping certificate and key makes the next connection see the new certificate while an open one keeps working', async () => {
    assert.equal(serverTls.fingerprint, fingerprintOf(original));
    const existing = await connect(server.port, TRUST_ANY);
    assert.equal(peerFingerprint(existing), fingerprintOf(original));

    const renewed = await makeLeaf('renewed');
    const reloaded = nextReload(serverTls);
    await writePems(temp.dir, 'server', renewed);
    const event = await reloaded;
    assert.equal(event.outcome, 'reloaded');
    assert.equal(serverTls.fingerprint, fingerprintOf(renewed));

    const fresh = await connect(server.port, TRUST_ANY);
    assert.equal(peerFingerprint(fresh), fingerprintOf(renewed));
    assert.equal(await ping(fresh), 0);
    assert.equal(await ping(existing), 0);
    assert.equal(peerFingerprint(existing), fingerprintOf(original));
    fresh.close();
    existing.close();
  });

  it('waits for both certificate and key before reloading', async () => {
    const renewed = await makeLeaf('renewed');
    const deferred = nextReload(serverTls, (e) => e.outcome === 'deferred');
    await replaceFile(files.certPath, renewed.cert);
    assert.deepEqual((await deferred).changed, [files.certPath]);
    assert.equal(serverTls.fingerprint, fingerprintOf(original));
    assert.equal(await attempt(server.port, TRUST_ANY), 'answered');

    const reloaded = nextReload(serverTls);
    await replaceFile(files.keyPath, renewed.key);
    assert.equal((await reloaded).outcome, 'reloaded');
    assert.equal(serverTls.fingerprint, fingerprintOf(renewed));
  });

  it('keeps the old material when the replacement is corrupt, logs why, and takes a later good one', async () => {
    const rejected = nextReload(serverTls);
    await replaceFile(files.certPath, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    await replaceFile(files.keyPath, '-----BEGIN PRIVATE KEY-----\nhalf a ke');
    const event = (await rejected) as Extract<TlsReloadEvent, { outcome: 'rejected' }>;
    assert.equal(event.outcome, 'rejected');
    assert.match(event.error.message, /tls\.server\.certPath/);
    const logged = records.find((r) => r.level === ERROR && /keeping the current one/.test(r.msg));
    assert.ok(logged, 'the rejection is logged');
    assert.match(String(logged.err), /does not parse|no PEM certificate/);

    assert.equal(serverTls.fingerprint, fingerprintOf(original));
    const still = await connect(server.port, TRUST_ANY);
    assert.equal(peerFingerprint(still), fingerprintOf(original));
    assert.equal(await ping(still), 0);
    still.close();

    const fixed = await makeLeaf('fixed');
    const reloaded = nextReload(serverTls);
    await writePems(temp.dir, 'server', fixed);
    assert.equal((await reloaded).outcome, 'reloaded');
    assert.equal(serverTls.fingerprint, fingerprintOf(fixed));
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const first = await makeLeaf('first');
    const second = await makeLeaf('second');
    const rejected = nextReload(serverTls);
    await writePems(temp.dir, 'server', { cert: first.cert, key: second.key });
    const event = await rejected;
    assert.equal(event.outcome, 'rejected');
    assert.match((event as Extract<TlsReloadEvent, { outcome: 'rejected' }>).error.message, /does not match/);
    assert.equal(serverTls.fingerprint, fingerprintOf(original));
  });

  it('follows files replaced by rename, as deployment tools and Kubernetes do', async () => {
    const renewed = await makeLeaf('renamed-in');
    const staged = await writePems(temp.dir, 'staged', renewed);
    const reloaded = nextReload(serverTls);
    await fs.rename(staged.certPath, files.certPath);
    await fs.rename(staged.keyPath, files.keyPath);
    assert.equal((await reloaded).outcome, 'reloaded');
    const fresh = await connect(server.port, TRUST_ANY);
    assert.equal(peerFingerprint(fresh), fingerprintOf(renewed));
    fresh.close();
  });

  it('stops watching at close', async () => {
    const events: TlsReloadEvent[] = [];
    serverTls.onReload((event) => events.push(event));
    await serverTls.close();
    // A second watcher of the same files, still open, tells when the change has been seen; with a
    // longer quiet period than the closed one's, by then the closed one would have reloaded too.
    const witness = await createServerTls({
      properties: isolated(temp.dir, { 'tls.server.certPath': files.certPath, 'tls.server.keyPath': files.keyPath, 'tls.test.mode.enable': 'false' }),
      env: {},
      logger: capturingLogger().logger,
      watchDebounceMs: DEBOUNCE_MS * 10,
    });
    assert.ok(witness);
    try {
      const seen = nextReload(witness);
      const renewed = await makeLeaf('after-close');
      await writePems(temp.dir, 'server', renewed);
      assert.equal((await seen).outcome, 'reloaded');
      assert.equal(witness.fingerprint, fingerprintOf(renewed));
      assert.deepEqual(events, []);
      assert.equal(serverTls.fingerprint, fingerprintOf(original));
    } finally {
      await witness.close();
    }
  });
});

describe('reloading the trust certificate', () => {
  it('accepts clients of a new CA once tls.server.trustCertPath changes', async () => {
    const temp = await makeTempDir();
    const oldCa = await makeCa('old-ca');
    const newCa = await makeCa('new-ca');
    const serverFiles = await writePems(temp.dir, 'server', await makeLeaf('namesrv'));
    const trust = await writePems(temp.dir, 'trust', oldCa);
    const serverTls = await createServerTls({
      properties: isolated(temp.dir, {
        'tls.server.mode': 'enforcing',
        'tls.test.mode.enable': 'false',
        'tls.server.certPath': serverFiles.certPath,
        'tls.server.keyPath': serverFiles.keyPath,
        'tls.server.trustCertPath': trust.certPath,
        'tls.server.need.client.auth': 'require',
        'tls.server.authClient': 'true',
      }),
      env: {},
      logger: capturingLogger().logger,
      watchDebounceMs: DEBOUNCE_MS,
    });
    assert.ok(serverTls);
    const server = await startServer(serverTls);
    try {
      const client = await makeLeaf('new-client', { ca: newCa });
      const options = { ...TRUST_ANY, cert: client.cert, key: client.key };
      assert.equal(await attempt(server.port, options), 'refused');
      const reloaded = nextReload(serverTls);
      await replaceFile(trust.certPath, newCa.cert);
      assert.equal((await reloaded).outcome, 'reloaded');
      assert.equal(await attempt(server.port, options), 'answered');
    } finally {
      await server.close();
      await temp.remove();
    }
  });
});
