import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { parseProperties as parsePropertiesMap } from '../../src/util/java-properties.js';

const parseProperties = (text: string) => Object.fromEntries(parsePropertiesMap(text));
import { clientTlsOptions, DEFAULT_TLS_CONFIG_FILE, resolveTlsSettings, tlsEnvName } from '../../src/remoting/tls/index.js';
import { capturingLogger, isolated, makeLeaf, makeTempDir, WARN, writePems } from './tls-fixtures.js';

describe('TLS settings resolution', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    temp = await makeTempDir();
  });
  after(() => temp.remove());

  it("defaults to Java's values", async () => {
    const settings = await resolveTlsSettings({ properties: isolated(temp.dir, {}), env: {} });
    assert.equal(settings.mode, 'permissive');
    assert.equal(settings.enable, false);
    assert.equal(settings.testModeEnable, true);
    assert.deepEqual(settings.server, { certPath: null, keyPath: null, keyPassword: null, trustCertPath: null, needClientAuth: 'none', authClient: false });
    assert.equal(settings.client.authServer, false);
    const untouched = await resolveTlsSettings({ env: {} });
    assert.equal(untouched.configFile, '/etc/rocketmq/tls.properties');
    assert.equal(DEFAULT_TLS_CONFIG_FILE, '/etc/rocketmq/tls.properties');
  });

  it('layers -c properties < tls.config.file < environment', async () => {
    const configFile = temp.file('tls.properties');
    await fs.writeFile(configFile, ['tls.server.certPath=/from/file.crt', 'tls.server.keyPath = /from/file.key', 'tls.server.authClient=true'].join('\n'));
    const settings = await resolveTlsSettings({
      properties: {
        'tls.config.file': configFile,
        'tls.server.certPath': '/from/properties.crt',
        'tls.server.keyPath': '/from/properties.key',
        'tls.server.trustCertPath': '/from/properties-ca.crt',
        'tls.server.need.client.auth': 'optional',
      },
      env: { TLS_SERVER_KEYPATH: '/from/env.key', TLS_SERVER_NEED_CLIENT_AUTH: 'REQUIRE', TLS_SERVER_TRUSTCERTPATH: '' },
    });
    assert.equal(settings.server.certPath, '/from/file.crt');
    assert.equal(settings.server.keyPath, '/from/env.key');
    assert.equal(settings.server.trustCertPath, '/from/properties-ca.crt', 'an empty variable does not override');
    assert.equal(settings.server.needClientAuth, 'require');
    assert.equal(settings.server.authClient, true);
    assert.equal(settings.sources['tls.server.certPath'], 'tls.config.file');
    assert.equal(settings.sources['tls.server.keyPath'], 'environment');
    assert.equal(settings.sources['tls.server.trustCertPath'], 'properties');
  });

  it('takes tls.config.file from the environment, and ignores tls.server.mode inside it as Java does', async () => {
    const configFile = temp.file('env-chosen.properties');
    await fs.writeFile(configFile, 'tls.server.mode=enforcing\ntls.test.mode.enable=false\n');
    const { logger, records } = capturingLogger();
    const settings = await resolveTlsSettings({ properties: isolated(temp.dir, {}), env: { TLS_CONFIG_FILE: configFile }, logger });
    assert.equal(settings.configFile, configFile);
    assert.equal(settings.testModeEnable, false);
    assert.equal(settings.mode, 'permissive');
    assert.ok(records.some((r) => r.level === WARN && r.property === 'tls.server.mode'));
  });

  it('parses values the way Java does', async () => {
    const settings = await resolveTlsSettings({
      properties: isolated(temp.dir, { 'tls.server.mode': 'strict', 'tls.test.mode.enable': 'yes', 'tls.server.authClient': 'TRUE', 'tls.server.need.client.auth': 'sometimes' }),
      env: {},
    });
    assert.equal(settings.mode, 'permissive');
    assert.equal(settings.testModeEnable, false);
    assert.equal(settings.server.authClient, true);
    assert.equal(settings.server.needClientAuth, 'none');
  });

  it('names environment variables after the properties', () => {
    assert.equal(tlsEnvName('tls.server.need.client.auth'), 'TLS_SERVER_NEED_CLIENT_AUTH');
    assert.equal(tlsEnvName('tls.client.trustCertPath'), 'TLS_CLIENT_TRUSTCERTPATH');
  });
});

describe('properties file syntax', () => {
  it('handles separators, comments, continuations and escapes', () => {
    const parsed = parseProperties(
      [
        '# comment',
        '! another',
        '  tls.a = one',
        'tls.b:two',
        'tls.c three',
        'tls.d = multi \\',
        '    line',
        'tls.e = C:\\\\certs\\\\a.pem',
        'tls.f = caf\\u00e9',
        'tls\\ g = spaced key',
        'tls.empty =',
      ].join('\r\n'),
    );
    assert.deepEqual(parsed, {
      'tls.a': 'one',
      'tls.b': 'two',
      'tls.c': 'three',
      'tls.d': 'multi line',
      'tls.e': 'C:\\certs\\a.pem',
      'tls.f': 'café',
      'tls g': 'spaced key',
      'tls.empty': '',
    });
  });
});

describe('client TLS options from tls.client.*', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    temp = await makeTempDir();
  });
  after(() => temp.remove());

  it('is null unless tls.enable is true', async () => {
    assert.equal(await clientTlsOptions(isolated(temp.dir, {}), {}), null);
    assert.ok(await clientTlsOptions(isolated(temp.dir, {}), { TLS_ENABLE: 'true' }));
  });

  it('verifies the server only with authServer outside test mode, and presents the client material', async () => {
    const leaf = await makeLeaf('client', { passphrase: 'pw' });
    const files = await writePems(temp.dir, 'client', leaf);
    const base = {
      'tls.enable': 'true',
      'tls.client.authServer': 'true',
      'tls.client.trustCertPath': files.certPath,
      'tls.client.certPath': files.certPath,
      'tls.client.keyPath': files.keyPath,
      'tls.client.keyPassword': 'pw',
    };
    const testMode = await clientTlsOptions(isolated(temp.dir, base), {});
    assert.equal(testMode?.rejectUnauthorized, false);
    assert.equal(testMode?.ca, undefined);
    assert.equal(testMode?.cert, leaf.cert);

    const strict = await clientTlsOptions(isolated(temp.dir, { ...base, 'tls.test.mode.enable': 'false' }), {});
    assert.equal(strict?.rejectUnauthorized, true);
    assert.equal(strict?.ca, leaf.cert);
    assert.equal(strict?.key, leaf.key);
    assert.equal(strict?.passphrase, 'pw');
    assert.equal(strict?.checkServerIdentity?.('some-host', {} as never), undefined, 'no host name check, as Netty');
  });
});
