import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressPatternError, hostOf, parseAddressPattern } from '../../src/security/address-pattern.js';

function check(pattern: string, yes: string[], no: string[]): void {
  const parsed = parseAddressPattern(pattern);
  for (const host of yes) assert.ok(parsed.matches(host), `${pattern} should match ${host}`);
  for (const host of no) assert.equal(parsed.matches(host), false, `${pattern} should not match ${host}`);
}

describe('address patterns in the forms of Java plain_acl.yml', () => {
  it('blank matches nothing; the wildcards match everything', () => {
    check('', [], ['127.0.0.1', '::1']);
    for (const all of ['*', '*.*.*.*', '*:*:*:*:*:*:*:*']) check(all, ['127.0.0.1', '::1', '10.1.2.3'], []);
  });

  it('one address, IPv4 or IPv6 in any spelling', () => {
    check('192.168.0.1', ['192.168.0.1', '::ffff:192.168.0.1'], ['192.168.0.2']);
    check('1050:0000:0000:0000:0005:0600:300c:326b', ['1050::5:600:300C:326B'], ['1050::5:600:300c:326a']);
  });

  it('IPv4 parts as trailing * and ranges', () => {
    check('192.168.0.*', ['192.168.0.1', '192.168.0.255'], ['192.168.1.1']);
    check('192.168.*.*', ['192.168.7.9'], ['192.169.0.1']);
    check('192.168.1.1-100', ['192.168.1.1', '192.168.1.100'], ['192.168.1.101', '192.168.2.50']);
    check('10.1-3.*.*', ['10.2.0.1', '10.3.255.255'], ['10.4.0.1']);
  });

  it('lists in braces and comma lists', () => {
    check('192.168.1.{1,2,3}', ['192.168.1.2'], ['192.168.1.4']);
    check('1.1.1.1,2.2.2.2', ['2.2.2.2'], ['3.3.3.3']);
    check('1050::{5,6}', ['1050::6'], ['1050::7']);
  });

  it('IPv6 with a trailing * and ranges', () => {
    check('2::ac5:78:*', ['2::ac5:78:1', '2:0:0:0:0:ac5:78:ffff'], ['2::ac5:79:1']);
    check('2::ac5:78:1-200', ['2::ac5:78:1', '2::ac5:78:200'], ['2::ac5:78:201']);
    check('2::ac5:78:1-200:*', ['2::ac5:78:150:9'], ['2::ac5:78:201:0']);
  });

  it('anything else is an error', () => {
    for (const bad of ['192.168.1', '192.168.*.1', '300.1.1.1', '1.1.1.5-2', 'host.example', '1.1.1.{1,x}', '2::ac5:zz:*']) {
      assert.throws(() => parseAddressPattern(bad), AddressPatternError, bad);
    }
  });

  it('hostOf takes the host of host:port', () => {
    assert.equal(hostOf('127.0.0.1:9876'), '127.0.0.1');
    assert.equal(hostOf('::ffff:10.0.0.1:5'), '10.0.0.1');
    assert.equal(hostOf('::1:5'), '::1');
  });
});
