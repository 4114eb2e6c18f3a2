import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import { createServerTls } from '../../src/remoting/tls/index.js';
import { silentLogger } from '../../src/util/logger.js';
import {
  attempt,
  capturingLogger,
  connect,
  ERROR,
  isolated,
  makeLeaf,
  makeTempDir,
  peerFingerprint,
  ping,
  startServer,
  TRUST_ANY,
  WARN,
  writePems,
} from './tls-fixtures.js';

describe('tls.server.mode over real sockets', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let files: { certPath: string; keyPath: string };

  before(async () => {
    temp = await makeTempDir();
    files = await writePems(temp.dir, 'server', await makeLeaf('namesrv-test'));
  });
  after(() => temp.remove());

  const material = () => ({ 'tls.server.certPath': files.certPath, 'tls.server.keyPath': files.keyPath, 'tls.test.mode.enable': 'false' });

  it('permissive is the default and serves plain and TLS clients on the same port', async () => {
    const serverTls = await createServerTls({ properties: isolated(temp.dir, material()), env: {}, logger: silentLogger() });
    assert.ok(serverTls);
    assert.equal(serverTls.mode, 'permissive');
    const { port, close } = await startServer(serverTls);
    try {
      assert.equal(await attempt(port), 'answered');
      const secure = await connect(port, TRUST_ANY);
      assert.equal(await ping(secure), 0);
      assert.equal(peerFingerprint(secure), serverTls.fingerprint);
      secure.close();
    } finally {
      await close();
    }
  });

  it('enforcing answers TLS clients and closes plain-text ones, logging why', async () => {
    const { logger, records } = capturingLogger();
    const serverTls = await createServerTls({ properties: isolated(temp.dir, { ...material(), 'tls.server.mode': 'enforcing' }), env: {}, logger });
    assert.ok(serverTls);
    const { port, close } = await startServer(serverTls, logger);
    try {
      assert.equal(await attempt(port), 'refused');
      assert.equal(await attempt(port, TRUST_ANY), 'answered');
      assert.ok(records.some((r) => r.level === WARN && /plain-text/.test(r.msg)));
    } finally {
      await close();
    }
  });

  it('disabled gives no TLS layer: plain clients are answered and TLS clients refused', async () => {
    const serverTls = await createServerTls({ properties: isolated(temp.dir, { ...material(), 'tls.server.mode': 'disabled' }), env: {}, logger: silentLogger() });
    assert.equal(serverTls, null);
    const { port, close } = await startServer(serverTls);
    try {
      assert.equal(await attempt(port), 'answered');
      assert.equal(await attempt(port, TRUST_ANY), 'refused');
    } finally {
      await close();
    }
  });

  it('takes the mode from the environment over the properties', async () => {
    const serverTls = await createServerTls({
      properties: isolated(temp.dir, { ...material(), 'tls.server.mode': 'permissive' }),
      env: { TLS_SERVER_MODE: 'enforcing' },
      logger: silentLogger(),
    });
    assert.ok(serverTls);
    const { port, close } = await startServer(serverTls);
    try {
      assert.equal(await attempt(port), 'refused');
    } finally {
      await close();
    }
  });

  it('serves a certificate generated at start-up in test mode when no material is configured', async () => {
    const serverTls = await createServerTls({ properties: isolated(temp.dir, {}), env: {}, logger: silentLogger() });
    assert.ok(serverTls);
    const { port, close } = await startServer(serverTls);
    try {
      const secure = await connect(port, TRUST_ANY);
      const peer = (secure.rawSocket as import('node:tls').TLSSocket).getPeerCertificate();
      assert.equal(peer.subject.CN, 'localhost');
      assert.equal(peer.fingerprint256, serverTls.fingerprint);
      assert.equal(await ping(secure), 0);
      secure.close();
    } finally {
      await close();
    }
  });

  it('without material and outside test mode refuses TLS but still serves plain text in permissive mode', async () => {
    const { logger, records } = capturingLogger();
    const serverTls = await createServerTls({ properties: isolated(temp.dir, { 'tls.test.mode.enable': 'false' }), env: {}, logger });
    assert.ok(serverTls);
    assert.equal(serverTls.fingerprint, null);
    const { port, close } = await startServer(serverTls);
    try {
      assert.equal(await attempt(port, TRUST_ANY), 'refused');
      assert.equal(await attempt(port), 'answered');
      assert.ok(records.some((r) => r.level === ERROR && /no usable TLS certificate/.test(r.msg)));
    } finally {
      await close();
    }
  });

  it('loads an encrypted PKCS#8 key with tls.server.keyPassword, and refuses TLS with a wrong password', async () => {
    const leaf = await makeLeaf('encrypted-key', { passphrase: 's3cret' });
    assert.match(leaf.key, /BEGIN ENCRYPTED PRIVATE KEY/);
    const encrypted = await writePems(temp.dir, 'encrypted', leaf);
    const properties = { 'tls.server.certPath': encrypted.certPath, 'tls.server.keyPath': encrypted.keyPath, 'tls.test.mode.enable': 'false' };

    const good = await createServerTls({ properties: isolated(temp.dir, { ...properties, 'tls.server.keyPassword': 's3cret' }), env: {}, logger: silentLogger() });
    assert.ok(good?.fingerprint);
    const goodServer = await startServer(good);
    try {
      assert.equal(await attempt(goodServer.port, TRUST_ANY), 'answered');
    } finally {
      await goodServer.close();
    }

    const { logger, records } = capturingLogger();
    const bad = await createServerTls({ properties: isolated(temp.dir, { ...properties, 'tls.server.keyPassword': 'wrong' }), env: {}, logger });
    assert.ok(bad);
    assert.equal(bad.fingerprint, null);
    const badServer = await startServer(bad);
    try {
      assert.equal(await attempt(badServer.port, TRUST_ANY), 'refused');
      assert.ok(records.some((r) => r.level === ERROR && /configured password/.test(String(r.err))));
    } finally {
      await badServer.close();
    }
  });

  it('a client that starts a TLS handshake and stalls is closed after the preamble bound, before the handshake timeout', async () => {
    const { logger, records } = capturingLogger();
    const serverTls = await createServerTls({ properties: isolated(temp.dir, material()), env: {}, logger: silentLogger() });
    assert.ok(serverTls);
    const server = new RemotingServer({ port: 0, host: '127.0.0.1', handler: () => null, logger, serverVersion: 479, tls: serverTls, stageTimeoutMs: 50 });
    const { port } = await server.listen();
    try {
      const stalled = net.connect({ host: '127.0.0.1', port });
      stalled.on('error', () => {});
      const closedByServer = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
      stalled.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01])); // a ClientHello record, cut short
      await closedByServer;
      assert.ok(records.some((r) => /did not finish its preamble/.test(r.msg)));
      assert.equal(server.acceptedCount, 0);
    } finally {
      await serverTls.close();
      await server.close();
    }
  });

  it('close() drops connections that have not sent their first byte yet', async () => {
    const serverTls = await createServerTls({ properties: isolated(temp.dir, material()), env: {}, logger: silentLogger() });
    assert.ok(serverTls);
    const { port, server, close } = await startServer(serverTls);
    const silent = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => silent.once('connect', resolve));
    const closedByServer = new Promise<void>((resolve) => silent.once('close', () => resolve()));
    silent.on('error', () => {});
    silent.resume();
    await close();
    await closedByServer;
    assert.equal(server.connectionCount, 0);
  });
});
