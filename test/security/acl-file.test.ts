import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AclFileError, parseAclFile } from '../../src/security/acl-file.js';

/** As the distribution's conf/plain_acl.yml writes it, topic and group permissions included. */
const JAVA_FILE = `globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.*

accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
    groupPerms:
      - groupA=DENY

  - accessKey: rocketmq2
    secretKey: 012345678
    whiteRemoteAddress: 192.168.1.*
    admin: true
`;

describe('the ACL file (Java plain_acl.yml)', () => {
  it('reads Java\'s format; secret keys stay the text they are', () => {
    const rules = parseAclFile(JAVA_FILE);
    assert.deepEqual(rules.globalWhiteRemoteAddresses.map((p) => p.source), ['10.10.103.*', '192.168.0.*']);
    const plain = rules.accounts.get('RocketMQ')!;
    assert.equal(plain.secretKey, '12345678');
    assert.equal(plain.admin, false);
    assert.equal(plain.allowedFrom, null);
    const admin = rules.accounts.get('rocketmq2')!;
    assert.equal(admin.secretKey, '012345678');
    assert.equal(admin.admin, true);
    assert.ok(admin.allowedFrom!.matches('192.168.1.7'));
  });

  it('an empty file has no accounts', () => {
    assert.equal(parseAclFile('').accounts.size, 0);
  });

  it('refuses what Java refuses, naming the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['accounts: [', /not valid YAML/],
      ['- a\n- b\n', /must be a YAML mapping/],
      ['accounts:\n  - accessKey: short\n    secretKey: 12345678\n', /accessKey must have at least 6/],
      ['accounts:\n  - accessKey: rocketmq2\n    secretKey: 123\n', /secretKey of rocketmq2 must have at least 6/],
      ['accounts:\n  - secretKey: 12345678\n', /accessKey is missing/],
      ['accounts:\n  - {accessKey: rocketmq2, secretKey: 12345678}\n  - {accessKey: rocketmq2, secretKey: 87654321}\n', /appears twice/],
      ['globalWhiteRemoteAddresses:\n  - 10.10.*.1\n', /globalWhiteRemoteAddresses: bad address range/],
      ['accounts:\n  - {accessKey: rocketmq2, secretKey: 12345678, admin: yes}\n', /admin must be true or false/],
      ['accounts: yes\n', /accounts must be a list/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseAclFile(text), (err: Error) => err instanceof AclFileError && message.test(err.message), text);
  });
});
