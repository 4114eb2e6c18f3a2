import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Configuration } from '../../src/namesrv/config/configuration.js';
import { loadConfiguration } from '../../src/namesrv/config/load-configuration.js';
import { parseProperties } from '../../src/util/java-properties.js';
import { RequestError } from '../../src/protocol/request-error.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { findFrame } from '../fixtures/captures.js';
import { tempDir, writeFile } from './helpers.js';

function updateError(configuration: Configuration, entries: Array<[string, string]>): RequestError {
  try {
    configuration.update(new Map(entries));
  } catch (error) {
    assert.ok(error instanceof RequestError, `expected a RequestError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected update to throw');
}

function withStore(): { configuration: Configuration; file: string } {
  const dir = tempDir();
  const file = path.join(dir, 'conf', 'namesrv.properties');
  return { configuration: new Configuration({ homeDir: dir, namesrv: { configStorePath: file } }), file };
}

describe('Configuration.formatAll (GET_NAMESRV_CONFIG body)', () => {
  it('lists every setting of the 4.9.8 capture with the same values', () => {
    const captured = parseProperties(findFrame('03-mqadmin.jsonl', (f) => f.seq === 16).body!);
    const file = writeFile(tempDir(), 'namesrv.properties', '');
    const { configuration } = loadConfiguration({
      argv: ['-c', file, '--listenPort=33876', '--kvConfigPath=/opt/rocket/ns/kvConfig.json'],
      env: { ROCKETMQ_HOME: '/opt/rocket/home-acl' },
      homeDir: tempDir(),
    });
    const ours = parseProperties(configuration.formatAll());
    for (const [key, value] of captured) {
      if (key === 'configStorePath') assert.equal(ours.get(key), file);
      else assert.equal(ours.get(key), value, key);
    }
  });

  it('writes key=value lines sorted by name, as Java 5.3.3 does', () => {
    const text = new Configuration({ homeDir: tempDir() }).formatAll();
    assert.ok(text.endsWith('\n'));
    const keys = text.trimEnd().split('\n').map((line) => line.slice(0, line.indexOf('=')));
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(keys.includes('deleteTopicWithBrokerRegistration'));
    assert.ok(keys.includes('enableShutdownGracefully'));
    assert.ok(!keys.includes('rocketmqHome'), 'an unset rocketmqHome is left out, as Java leaves out null');
  });
});

describe('Configuration.update (UPDATE_NAMESRV_CONFIG)', () => {
  it('applies typed values to the live objects and persists every setting', () => {
    const { configuration, file } = withStore();
    const { namesrv } = configuration;
    configuration.update(new Map([['serverWorkerThreads', '9'], ['orderMessageEnable', 'true'], ['logLevel', 'debug']]));
    assert.equal(configuration.netty.serverWorkerThreads, 9);
    assert.equal(namesrv.orderMessageEnable, true, 'the object handed out earlier sees the change');
    assert.equal(configuration.logLevel, 'debug');
    const written = fs.readFileSync(file, 'utf8');
    assert.equal(written, configuration.formatAll());
    assert.match(written, /^serverWorkerThreads=9$/m);
  });

  it('writes a file that loads back to the same settings', () => {
    const dir = tempDir();
    const file = writeFile(dir, 'namesrv.properties', 'listenPort=10001\n');
    const first = loadConfiguration({ argv: ['-c', file], env: {}, homeDir: dir }).configuration;
    first.update(new Map([['productEnvName', 'prod env'], ['scanNotActiveBrokerInterval', '7000']]));
    const again = loadConfiguration({ argv: ['-c', file], env: {}, homeDir: dir }).configuration;
    assert.equal(again.formatAll(), first.formatAll());
    assert.equal(again.namesrv.productEnvName, 'prod env');
    assert.equal(again.netty.listenPort, 10001);
  });

  it('keeps the previous file as .bak', () => {
    const { configuration, file } = withStore();
    configuration.update(new Map([['serverWorkerThreads', '9']]));
    const before = fs.readFileSync(file, 'utf8');
    configuration.update(new Map([['serverWorkerThreads', '10']]));
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), before);
  });

  it('keeps a -c file holding secrets as private as it was, its .bak too, and a symlinked -c a symlink', () => {
    const dir = tempDir();
    const real = writeFile(dir, 'real.properties', 'listenPort=10001\ntls.server.keyPassword=s3cret\n');
    fs.chmodSync(real, 0o600);
    const link = path.join(dir, 'namesrv.properties');
    fs.symlinkSync(real, link);
    const { configuration } = loadConfiguration({ argv: ['-c', link], env: {}, homeDir: dir });
    configuration.update(new Map([['serverWorkerThreads', '9']]));
    assert.equal(fs.lstatSync(link).isSymbolicLink(), true, 'the link is still a link');
    assert.match(fs.readFileSync(real, 'utf8'), /^serverWorkerThreads=9$/m, 'the change went to the link\'s target');
    assert.equal(fs.statSync(real).mode & 0o777, 0o600);
    assert.equal(fs.statSync(`${real}.bak`).mode & 0o777, 0o600);
  });

  it('creates a settings file that only its owner can read', () => {
    const { configuration, file } = withStore();
    configuration.update(new Map([['serverWorkerThreads', '9']]));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('refuses the default blacklist with code 16 and Java remark', () => {
    const { configuration, file } = withStore();
    for (const key of ['configStorePath', 'kvConfigPath', 'configBlackList']) {
      const error = updateError(configuration, [['serverWorkerThreads', '9'], [key, '/tmp/x']]);
      assert.equal(error.code, ResponseCode.NO_PERMISSION);
      assert.equal(error.remark, 'Can not update config in black list.');
    }
    assert.equal(configuration.netty.serverWorkerThreads, 8);
    assert.equal(fs.existsSync(file), false);
  });

  it('always refuses rocketmqHome, logDir and frameMaxLength, even with an empty configBlackList', () => {
    const dir = tempDir();
    const configuration = new Configuration({ homeDir: dir, namesrv: { configBlackList: '' } });
    for (const key of ['rocketmqHome', 'logDir', 'frameMaxLength', 'com.rocketmq.remoting.frameMaxLength', 'inputBufferMaxBytes', 'awaitingRequestsMaxBytes', 'configStorePath', 'kvConfigPath', 'configBlackList']) {
      assert.equal(updateError(configuration, [[key, '1']]).code, ResponseCode.NO_PERMISSION, key);
    }
  });

  it('refuses names listed in a custom configBlackList', () => {
    const configuration = new Configuration({ homeDir: tempDir(), namesrv: { configBlackList: 'listenPort; orderMessageEnable' } });
    assert.equal(updateError(configuration, [['orderMessageEnable', 'true']]).code, ResponseCode.NO_PERMISSION);
    assert.equal(updateError(configuration, [['listenPort', '1']]).code, ResponseCode.NO_PERMISSION);
    assert.equal(configuration.namesrv.orderMessageEnable, false);
  });

  it('refuses every tls.* setting with code 16 and Java\'s blacklist remark, whatever configBlackList says', () => {
    const dir = tempDir();
    const file = path.join(dir, 'namesrv.properties');
    const configuration = new Configuration({ homeDir: dir, namesrv: { configBlackList: '', configStorePath: file }, tls: { 'tls.server.mode': 'enforcing' } });
    for (const key of ['tls.server.mode', 'tls.enable', 'tls.server.keyPassword', 'tls.config.file', 'tls.anything']) {
      const error = updateError(configuration, [['serverWorkerThreads', '9'], [key, 'disabled']]);
      assert.equal(error.code, ResponseCode.NO_PERMISSION, key);
      assert.equal(error.remark, 'Can not update config in black list.');
    }
    assert.equal(configuration.tls['tls.server.mode'], 'enforcing');
    assert.equal(configuration.netty.serverWorkerThreads, 8);
    assert.equal(fs.existsSync(file), false, 'nothing persisted');
  });

  it('ignores unknown keys, as Java does, applies the rest and names what it ignored', () => {
    const { configuration } = withStore();
    const { ignored } = configuration.update(new Map([['serverWorkerThreads', '9'], ['noSuchKey', '1'], ['brokerPermission', '6']]));
    assert.deepEqual(ignored, ['noSuchKey', 'brokerPermission']);
    assert.equal(configuration.netty.serverWorkerThreads, 9);
    assert.ok(!configuration.formatAll().includes('noSuchKey'));
  });

  it('shows secrets redacted everywhere but in the file it persists', () => {
    const { configuration, file } = withStore();
    Object.assign(configuration.tls, { 'tls.server.keyPassword': 's3cret', 'tls.client.keyPassword': 'other' });
    configuration.update(new Map([['serverWorkerThreads', '9']]));
    assert.match(configuration.formatAll(), /^tls\.server\.keyPassword=\*{6}$/m);
    assert.ok(!configuration.formatAll().includes('s3cret'));
    assert.ok(!JSON.stringify(configuration.entries()).includes('other'));
    assert.match(fs.readFileSync(file, 'utf8'), /^tls\.server\.keyPassword=s3cret$/m, 'the next start still has it');
  });

  it('refuses malformed values with SYSTEM_ERROR and changes nothing', () => {
    const { configuration, file } = withStore();
    const cases: Array<[Array<[string, string]>, RegExp]> = [
      [[['serverWorkerThreads', '9'], ['listenPort', 'abc']], /invalid value "abc" for listenPort/],
      [[['serverWorkerThreads', '9'], ['orderMessageEnable', 'maybe']], /invalid value "maybe" for orderMessageEnable: expected true or false/],
    ];
    for (const [entries, remark] of cases) {
      const error = updateError(configuration, entries);
      assert.equal(error.code, ResponseCode.SYSTEM_ERROR);
      assert.match(error.remark, remark);
    }
    assert.equal(configuration.netty.serverWorkerThreads, 8);
    assert.equal(fs.existsSync(file), false);
  });

  it('changes nothing when the settings cannot be saved', () => {
    const dir = tempDir();
    const file = path.join(dir, 'namesrv.properties');
    fs.mkdirSync(`${file}.bak`);
    fs.writeFileSync(path.join(`${file}.bak`, 'occupied'), '');
    fs.writeFileSync(file, 'listenPort=1\n');
    const configuration = new Configuration({ homeDir: dir, namesrv: { configStorePath: file } });
    const error = updateError(configuration, [['serverWorkerThreads', '9']]);
    assert.equal(error.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(configuration.netty.serverWorkerThreads, 8);
    assert.equal(fs.readFileSync(file, 'utf8'), 'listenPort=1\n');
  });
});
