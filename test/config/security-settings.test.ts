import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/namesrv/config/config-error.js';
import { loadConfiguration } from '../../src/namesrv/config/load-configuration.js';
import { tempDir, writeFile } from './helpers.js';

describe('security settings', () => {
  it('off by default; the ACL file under the home folder, or under ROCKETMQ_HOME when there is one', () => {
    const home = tempDir();
    const plain = loadConfiguration({ argv: [], env: {}, homeDir: home }).configuration;
    assert.deepEqual(plain.security, {
      aclEnable: false,
      aclFile: path.join(home, 'conf', 'plain_acl.yml'),
      aclBrokerRequests: true,
      aclReads: false,
      aclAdminRequiresTls: false,
      proxyProtocolTrustedAddresses: '',
    });
    const withHome = loadConfiguration({ argv: [], env: { ROCKETMQ_HOME: '/opt/rocketmq' }, homeDir: home }).configuration;
    assert.equal(withHome.security.aclFile, path.join('/opt/rocketmq', 'conf', 'plain_acl.yml'));
  });

  it('accepted in a -c file and on the command line, and listed with the other settings', () => {
    const dir = tempDir();
    const file = writeFile(dir, 'ns.properties', 'aclEnable=true\naclFile=/etc/rocketmq/acl.yml\nproxyProtocolTrustedAddresses=10.0.0.0/8\n');
    const { configuration } = loadConfiguration({ argv: ['-c', file, '--aclReads=true', '--aclBrokerRequests=false'], env: {}, homeDir: dir });
    assert.equal(configuration.security.aclEnable, true);
    assert.equal(configuration.security.aclFile, '/etc/rocketmq/acl.yml');
    assert.equal(configuration.security.aclReads, true);
    assert.equal(configuration.security.aclBrokerRequests, false);
    const listed = new Map(configuration.entries());
    assert.equal(listed.get('aclEnable'), 'true');
    assert.equal(listed.get('aclFile'), '/etc/rocketmq/acl.yml');
    assert.equal(listed.get('proxyProtocolTrustedAddresses'), '10.0.0.0/8');
  });

  it('a malformed switch is a one-line error', () => {
    assert.throws(() => loadConfiguration({ argv: ['--aclEnable=maybe'], env: {}, homeDir: tempDir() }), ConfigError);
  });
});
