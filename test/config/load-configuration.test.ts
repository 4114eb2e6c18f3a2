import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/namesrv/config/config-error.js';
import { loadConfiguration } from '../../src/namesrv/config/load-configuration.js';
import { CAPTURE_DIR } from '../fixtures/captures.js';
import { tempDir, writeFile } from './helpers.js';

function load(argv: string[], env: Record<string, string> = {}, homeDir = tempDir()) {
  return loadConfiguration({ argv, env, homeDir });
}

function loadError(argv: string[], env: Record<string, string> = {}): ConfigError {
  try {
    load(argv, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.doesNotMatch(error.message, /\n/);
    return error;
  }
  assert.fail('expected loadConfiguration to throw');
}

describe('loadConfiguration defaults', () => {
  it('uses Java 5.3.3 defaults, port 9876 and folders under the home folder', () => {
    const home = tempDir();
    const { configuration, help, printConfig } = load([], {}, home);
    assert.equal(help, false);
    assert.equal(printConfig, false);
    const { namesrv, netty } = configuration;
    assert.equal(netty.listenPort, 9876);
    assert.equal(netty.bindAddress, '0.0.0.0');
    assert.equal(netty.serverWorkerThreads, 8);
    assert.equal(netty.serverSocketBacklog, 1024);
    assert.equal(netty.shutdownWaitTimeSeconds, 30);
    assert.equal(namesrv.kvConfigPath, path.join(home, 'namesrv', 'kvConfig.json'));
    assert.equal(namesrv.configStorePath, path.join(home, 'namesrv', 'namesrv.properties'));
    assert.equal(namesrv.rocketmqHome, '');
    assert.equal(namesrv.productEnvName, 'center');
    assert.equal(namesrv.orderMessageEnable, false);
    assert.equal(namesrv.returnOrderTopicConfigToBroker, true);
    assert.equal(namesrv.scanNotActiveBrokerInterval, 5000);
    assert.equal(namesrv.unRegisterBrokerQueueCapacity, 3000);
    assert.equal(namesrv.waitSecondsForService, 45);
    assert.equal(namesrv.configBlackList, 'configBlackList;configStorePath;kvConfigPath');
    assert.equal(configuration.frameMaxLength, 16777216);
    assert.equal(configuration.logDir, path.join(home, 'logs', 'rocketmqlogs'));
    assert.equal(configuration.logLevel, 'info');
    assert.deepEqual(configuration.tls, {});
  });

  it('reports -h and -p without failing', () => {
    assert.equal(load(['-h']).help, true);
    assert.equal(load(['--help']).help, true);
    assert.equal(load(['-p']).printConfig, true);
    assert.equal(load(['--printConfigItem']).printConfig, true);
  });

  it('accepts -n/--namesrvAddr and ignores it', () => {
    const { configuration } = load(['-n', '127.0.0.1:9876', '--namesrvAddr=x:1']);
    assert.ok(!configuration.formatAll().includes('namesrvAddr'));
  });
});

describe('loadConfiguration sources', () => {
  it('takes rocketmqHome from ROCKETMQ_HOME, and --rocketmq.home.dir over it', () => {
    assert.equal(load([], { ROCKETMQ_HOME: '/opt/rmq' }).configuration.namesrv.rocketmqHome, '/opt/rmq');
    assert.equal(load(['--rocketmq.home.dir=/opt/prop'], { ROCKETMQ_HOME: '/opt/rmq' }).configuration.namesrv.rocketmqHome, '/opt/prop');
  });

  it('lets the -c file override the environment and defaults, and makes it configStorePath', () => {
    const dir = tempDir();
    const file = writeFile(dir, 'ns.properties', 'rocketmqHome=/from/file\nlistenPort=10000\nconfigStorePath=/ignored\norderMessageEnable=true\n');
    const { configuration, configFile } = load(['-c', file], { ROCKETMQ_HOME: '/from/env' });
    assert.equal(configFile, file);
    assert.equal(configuration.namesrv.rocketmqHome, '/from/file');
    assert.equal(configuration.netty.listenPort, 10000);
    assert.equal(configuration.namesrv.orderMessageEnable, true);
    assert.equal(configuration.namesrv.configStorePath, file);
    assert.equal(configuration.netty.serverWorkerThreads, 8);
  });

  it('lets command-line options override the -c file, in both --k=v and --k v forms', () => {
    const file = writeFile(tempDir(), 'ns.properties', 'listenPort=10000\nproductEnvName=file\nrocketmqHome=/file\n');
    const { configuration } = load(['--configFile', file, '--listenPort=0', '--productEnvName', 'cli', '--rocketmqHome=/cli']);
    assert.equal(configuration.netty.listenPort, 0);
    assert.equal(configuration.namesrv.productEnvName, 'cli');
    assert.equal(configuration.namesrv.rocketmqHome, '/cli');
  });

  it('loads the namesrv.properties a Java 4.9.8 NameServer wrote', () => {
    const file = path.join(CAPTURE_DIR, 'namesrv.properties');
    const { configuration } = load(['-c', file]);
    assert.equal(configuration.netty.listenPort, 33876);
    assert.equal(configuration.netty.serverWorkerThreads, 9);
    assert.equal(configuration.namesrv.kvConfigPath, '/opt/rocket/ns/kvConfig.json');
    assert.equal(configuration.namesrv.rocketmqHome, '/opt/rocket/home-acl');
    assert.equal(configuration.namesrv.configStorePath, file);
  });

  it('keeps tls.* properties raw, from the file and the command line', () => {
    const file = writeFile(tempDir(), 'ns.properties', 'tls.server.mode=enforcing\ntls.server.certPath=/c.pem\n');
    const { configuration } = load(['-c', file, '--tls.server.mode', 'permissive']);
    assert.deepEqual(configuration.tls, { 'tls.server.mode': 'permissive', 'tls.server.certPath': '/c.pem' });
    assert.match(configuration.formatAll(), /^tls\.server\.certPath=\/c\.pem$/m);
  });

  it('accepts frameMaxLength under Java system-property name too', () => {
    const file = writeFile(tempDir(), 'ns.properties', 'com.rocketmq.remoting.frameMaxLength=1024\n');
    assert.equal(load(['-c', file]).configuration.frameMaxLength, 1024);
    assert.equal(load(['--com.rocketmq.remoting.frameMaxLength=2048']).configuration.frameMaxLength, 2048);
    assert.equal(load(['--frameMaxLength', '4096', '--logLevel=debug']).configuration.logLevel, 'debug');
  });

  it('takes the console\'s NameServer list, and refuses one that is not host:port entries', () => {
    assert.equal(load(['--consoleNameServers=10.0.0.2:9876;10.0.0.3:9876']).configuration.http.consoleNameServers, '10.0.0.2:9876;10.0.0.3:9876');
    assert.equal(load([]).configuration.http.consoleNameServers, '');
    assert.match(loadError(['--consoleNameServers=10.0.0.2']).message, /consoleNameServers: expected host:port entries separated by ;/);
  });

  it('reads escapes and trims string values in the -c file as Java does', () => {
    const file = writeFile(tempDir(), 'ns.properties', 'productEnvName = \\u0041B  \nbindAddress\t127.0.0.1\n');
    const { configuration } = load(['-c', file]);
    assert.equal(configuration.namesrv.productEnvName, 'AB');
    assert.equal(configuration.netty.bindAddress, '127.0.0.1');
  });
});

describe('loadConfiguration errors', () => {
  it('names a missing -c file', () => {
    assert.match(loadError(['-c', '/no/such/file.properties']).message, /config file not found: \/no\/such\/file\.properties/);
    assert.match(loadError(['-c', tempDir()]).message, /is a directory/);
  });

  it('names an unknown property and the file it is in', () => {
    const file = writeFile(tempDir(), 'ns.properties', 'listenPort=1\nbrokerName=x\n');
    assert.equal(loadError(['-c', file]).message, `unknown property "brokerName" in config file ${file}`);
  });

  it('names a malformed value with its key and the expected type', () => {
    const file = writeFile(tempDir(), 'ns.properties', 'orderMessageEnable=maybe\n');
    assert.equal(loadError(['-c', file]).message, `invalid value "maybe" for orderMessageEnable: expected true or false in config file ${file}`);
    assert.match(loadError(['--listenPort=abc']).message, /invalid value "abc" for listenPort: expected a port number/);
    assert.match(loadError(['--serverWorkerThreads=1.5']).message, /serverWorkerThreads: expected an integer \(int\)/);
    assert.match(loadError(['--serverWorkerThreads=3000000000']).message, /expected an integer \(int\)/);
    assert.match(loadError(['--logLevel=loud']).message, /logLevel: expected one of fatal, error/);
    assert.match(loadError(['--awaitingRequestsMaxBytes=0']).message, /awaitingRequestsMaxBytes: expected a positive integer \(bytes\)/);
  });

  it('bounds requests awaiting answers at 256 MiB unless told otherwise', () => {
    assert.equal(load([]).configuration.awaitingRequestsMaxBytes, 268435456);
    assert.equal(load(['--awaitingRequestsMaxBytes=1048576']).configuration.awaitingRequestsMaxBytes, 1048576);
  });

  it('refuses unknown options and stray arguments as usage errors', () => {
    const unknown = loadError(['--brokerName=x']);
    assert.equal(unknown.message, 'unknown option --brokerName');
    assert.equal(unknown.isUsageError, true);
    assert.equal(loadError(['-x']).message, 'unknown option -x');
    assert.match(loadError(['stray']).message, /unexpected argument "stray"/);
    assert.match(loadError(['--listenPort']).message, /option --listenPort needs a value/);
  });

  it('refuses a malformed \\u escape in the file', () => {
    const file = writeFile(tempDir(), 'ns.properties', 'productEnvName=\\uXYZW\n');
    assert.match(loadError(['-c', file]).message, /Malformed \\uxxxx encoding\. in config file/);
  });

  it('does not read the -c file for -h', () => {
    assert.equal(load(['-h', '-c', '/no/such/file']).help, true);
  });
});

describe('reading config files', () => {
  it('reads a Latin-1 file as Java does when it is not UTF-8', () => {
    const dir = tempDir();
    const file = path.join(dir, 'latin1.properties');
    fs.writeFileSync(file, Buffer.from('productEnvName=caf\xe9\n', 'latin1'));
    assert.equal(load(['-c', file]).configuration.namesrv.productEnvName, 'café');
  });
});

describe('a Java NameServer config file with client and controller settings', () => {
  it('loads, skipping the properties this server has no use for', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { loadConfiguration: load } = await import('../../src/namesrv/config/load-configuration.js');
    const dir = tempDir('java-conf-');
    const file = join(dir, 'namesrv.properties');
    writeFileSync(file, 'listenPort=19876\nclientWorkerThreads=4\ncontrollerType=jRaft\njRaftGroupId=g\n');
    const loaded = load({ argv: ['-c', file], env: {}, homeDir: dir });
    assert.equal(loaded.configuration.netty.listenPort, 19876);
    assert.deepEqual(loaded.ignored, ['clientWorkerThreads', 'jRaftGroupId']);
    assert.deepEqual(loaded.controllerProperties, [['controllerType', 'jRaft']]);
  });
});
