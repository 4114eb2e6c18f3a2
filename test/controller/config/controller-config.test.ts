import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyControllerProperty, ControllerConfigError, defaultControllerConfig, parsePeers, resolveTopology,
} from '../../../src/controller/config/controller-config.js';
import { InvalidPropertyError } from '../../../src/namesrv/config/property-value.js';

describe('controller settings', () => {
  it('have Java 5.3.3 defaults', () => {
    const config = defaultControllerConfig('/home/u');
    assert.equal(config.configStorePath, '/home/u/controller/controller.properties');
    assert.equal(config.scanNotActiveBrokerInterval, 5000);
    assert.equal(config.scanInactiveMasterInterval, 5000);
    assert.equal(config.electMasterMaxRetryCount, 3);
    assert.equal(config.enableElectUncleanMaster, false);
    assert.equal(config.notifyBrokerRoleChanged, true);
    assert.equal(config.controllerType, 'DLedger');
    assert.equal(config.configBlackList, 'configBlackList;configStorePath');
    assert.equal(config.controllerStore, 'file');
    assert.equal(config.controllerEtcdLeaseTtlSeconds, 10);
    assert.equal(config.controllerEtcdPrefix, '/rocketmq/controller/');
  });

  it('take properties by Java name (and setter alias), refusing bad values', () => {
    const config = defaultControllerConfig('/home/u');
    applyControllerProperty(config, 'enableElectUncleanMaster', 'TRUE');
    applyControllerProperty(config, 'processReadEvent', 'true');
    applyControllerProperty(config, 'scanNotActiveBrokerInterval', ' 2000 ');
    assert.equal(config.enableElectUncleanMaster, true);
    assert.equal(config.isProcessReadEvent, true);
    assert.equal(config.scanNotActiveBrokerInterval, 2000);
    assert.throws(() => applyControllerProperty(config, 'controllerStore', 'zookeeper'), /file or etcd/);
    assert.throws(() => applyControllerProperty(config, 'controllerEtcdEndpoints', '127.0.0.1:2379'), /http:\/\/host:port/);
    assert.throws(() => applyControllerProperty(config, 'noSuchThing', '1'), InvalidPropertyError);
  });

  it('read peers as id-host:port entries', () => {
    assert.deepEqual(parsePeers('n0-127.0.0.1:9878; n1-10.0.0.2:9868;'), [
      { id: 'n0', host: '127.0.0.1', port: 9878, address: '127.0.0.1:9878' },
      { id: 'n1', host: '10.0.0.2', port: 9868, address: '10.0.0.2:9868' },
    ]);
    for (const bad of ['', 'n0', 'n0-127.0.0.1', '-127.0.0.1:1', 'n0-127.0.0.1:x', 'n0-a:1;n0-b:2', 'n0-a:70000']) assert.equal(parsePeers(bad), null, bad);
  });

  it('refuse at start-up what cannot run, in one line each', () => {
    const base = { ...defaultControllerConfig('/home/u'), controllerDLegerPeers: 'n0-127.0.0.1:9878', controllerDLegerSelfId: 'n0' };
    assert.equal(resolveTopology(base).self.address, '127.0.0.1:9878');
    const refusals: Array<[Partial<typeof base>, RegExp]> = [
      [{ controllerDLegerPeers: '' }, /controllerDLegerPeers is empty/],
      [{ controllerDLegerSelfId: '' }, /controllerDLegerSelfId is empty/],
      [{ controllerDLegerSelfId: 'n9' }, /not an id in controllerDLegerPeers \(n0\)/],
      [{ controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868' }, /controllerStore=file keeps state for one controller only/],
      [{ controllerStore: 'etcd' }, /needs controllerEtcdEndpoints/],
      [{ controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:2379' }, /needs controllerDLegerGroup/],
    ];
    for (const [overrides, message] of refusals) {
      assert.throws(() => resolveTopology({ ...base, ...overrides }), (e: Error) => e instanceof ControllerConfigError && message.test(e.message) && !e.message.includes('\n'));
    }
    const shared = { ...base, controllerDLegerPeers: 'n0-127.0.0.1:9878;n1-127.0.0.1:9868', controllerStore: 'etcd', controllerEtcdEndpoints: 'http://127.0.0.1:2379', controllerDLegerGroup: 'g' };
    assert.equal(resolveTopology(shared).peers.length, 2);
  });
});
