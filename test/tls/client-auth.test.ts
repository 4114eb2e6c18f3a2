import assert from 'node:assert/strict';
import path from 'node:path';
import type tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { clientTlsOptions, createServerTls } from '../../src/remoting/tls/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { attempt, capturingLogger, isolated, makeCa, makeLeaf, makeTempDir, startServer, TRUST_ANY, WARN, writePems, type Pems } from './tls-fixtures.js';

describe('client certificates (tls.server.need.client.auth, tls.server.authClient)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let trustedCa: Pems;
  let trustedClient: Pems;
  let strangerClient: Pems;
  let serverFiles: { certPath: string; keyPath: string };
  let trustCertPath: string;

  before(async () => {
    temp = await makeTempDir();
    trustedCa = await makeCa('trusted-ca');
    trustedClient = await makeLeaf('trusted-client', { ca: trustedCa });
    strangerClient = await makeLeaf('stranger-client', { ca: await makeCa('other-ca') });
    serverFiles = await writePems(temp.dir, 'server', await makeLeaf('namesrv', { ca: trustedCa }));
    trustCertPath = temp.file('trusted-ca.crt');
    await writePems(temp.dir, 'trusted-ca', trustedCa);
  });
  after(() => temp.remove());

  const serverProperties = (extra: Record<string, string>) =>
    isolated(temp.dir, {
      'tls.server.mode': 'enforcing',
      'tls.test.mode.enable': 'false',
      'tls.server.certPath': serverFiles.certPath,
      'tls.server.keyPath': serverFiles.keyPath,
      'tls.server.trustCertPath': trustCertPath,
      ...extra,
    });
  const withCert = (pems: Pems): tls.ConnectionOptions => ({ ...TRUST_ANY, cert: pems.cert, key: pems.key });

  it('require with authClient refuses clients without a trusted certificate and logs why', async () => {
    const { logger, records } = capturingLogger();
    const serverTls = await createServerTls({ properties: serverProperties({ 'tls.server.need.client.auth': 'require', 'tls.server.authClient': 'true' }), env: {}, logger });
    const { port, close } = await startServer(serverTls);
    try {
      assert.equal(await attempt(port, TRUST_ANY), 'refused');
      assert.equal(await attempt(port, withCert(strangerClient)), 'refused');
      assert.equal(await attempt(port, withCert(trustedClient)), 'answered');
      const reasons = records.filter((r) => r.level === WARN && r.msg === 'refusing a TLS client').map((r) => String(r.reason));
      assert.equal(reasons.length, 2);
      assert.match(reasons[0], /no client certificate/);
      assert.match(reasons[1], /untrusted client certificate/);
    } finally {
      await close();
    }
  });

  it('require without authClient needs a certificate but, as Java, does not verify it', async () => {
    const serverTls = await createServerTls({ properties: serverProperties({ 'tls.server.need.client.auth': 'require' }), env: {}, logger: silentLogger() });
    const { port, close } = await startServer(serverTls);
    try {
      assert.equal(await attempt(port, TRUST_ANY), 'refused');
      assert.equal(await attempt(port, withCert(strangerClient)), 'answered');
    } finally {
      await close();
    }
  });

  it('optional with authClient accepts clients without a certificate but refuses untrusted ones', async () => {
    const serverTls = await createServerTls({ properties: serverProperties({ 'tls.server.need.client.auth': 'optional', 'tls.server.authClient': 'true' }), env: {}, logger: silentLogger() });
    const { port, close } = await startServer(serverTls);
    try {
      assert.equal(await attempt(port, TRUST_ANY), 'answered');
      assert.equal(await attempt(port, withCert(strangerClient)), 'refused');
      assert.equal(await attempt(port, withCert(trustedClient)), 'answered');
    } finally {
      await close();
    }
  });

  it('the client options from tls.client.* present the client certificate and verify the server with authServer', async () => {
    const clientFiles = await writePems(temp.dir, 'client', trustedClient);
    const otherCaPath = path.join(temp.dir, 'other-ca.crt');
    await writePems(temp.dir, 'other-ca', await makeCa('unrelated-ca'));
    const serverTls = await createServerTls({ properties: serverProperties({ 'tls.server.need.client.auth': 'require', 'tls.server.authClient': 'true' }), env: {}, logger: silentLogger() });
    const { port, close } = await startServer(serverTls);
    const client = (trust: string) =>
      clientTlsOptions(
        isolated(temp.dir, {
          'tls.enable': 'true',
          'tls.test.mode.enable': 'false',
          'tls.client.authServer': 'true',
          'tls.client.trustCertPath': trust,
          'tls.client.certPath': clientFiles.certPath,
          'tls.client.keyPath': clientFiles.keyPath,
        }),
        {},
      );
    try {
      const trusting = await client(trustCertPath);
      assert.ok(trusting);
      assert.equal(await attempt(port, trusting), 'answered');
      const distrusting = await client(otherCaPath);
      assert.ok(distrusting);
      assert.equal(await attempt(port, distrusting), 'refused');
    } finally {
      await close();
    }
  });
});
