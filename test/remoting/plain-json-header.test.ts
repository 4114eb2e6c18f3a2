import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJsonHeader, parseJsonHeader } from '../../src/remoting/json-header.js';
import { readPlainJsonHeader } from '../../src/remoting/plain-json-header.js';
import { CAPTURE_FILES, frameBytes, loadCapture } from '../fixtures/captures.js';

/** Both readers' outcome: the fields, or the error's message. */
function outcome(read: (bytes: Buffer) => unknown, bytes: Buffer): unknown {
  try {
    return read(bytes);
  } catch (err) {
    return `throws: ${(err as Error).message}`;
  }
}

function assertSameAsFull(text: string, what = text): void {
  const bytes = Buffer.from(text, 'utf8');
  assert.deepEqual(outcome(decodeJsonHeader, bytes), outcome(parseJsonHeader, bytes), what);
}

describe('reading plain JSON headers from their bytes', () => {
  it('reads every JSON header a Java 4.9.8 broker, NameServer and mqadmin sent, as the full reader does', () => {
    let read = 0;
    for (const file of CAPTURE_FILES) {
      for (const frame of loadCapture(file)) {
        if (frame.serializeType !== 0) continue;
        const bytes = frameBytes(frame);
        const header = bytes.subarray(8, 8 + (bytes.readUInt32BE(4) & 0xffffff));
        const plain = readPlainJsonHeader(header);
        if (plain) {
          assert.deepEqual(plain, parseJsonHeader(header), `${file} #${frame.seq}`);
          read++;
        } else {
          // Only a remark with an escape (a line break) is left to the full reader.
          assert.ok(header.includes('\\'), `${file} #${frame.seq}: read here: ${header.toString()}`);
        }
      }
    }
    assert.ok(read > 20, `${read} headers`);
  });

  it('reads fields in any order, nulls, negatives, an empty extFields, and a key given twice as JSON.parse does', () => {
    const texts = [
      '{"version":409,"opaque":-7,"language":"GO","flag":0,"extFields":{"topic":"T","b":"","a":"x"},"code":105}',
      '{"code":105,"extFields":null,"language":null,"remark":null,"serializeTypeCurrentRPC":null}',
      '{"code":0,"extFields":{},"flag":1,"opaque":2147483648,"remark":"fine","version":-0}',
      '{"code":1,"code":2,"extFields":{"k":"1","k":"2","j":"3"}}',
    ];
    for (const text of texts) {
      assert.ok(readPlainJsonHeader(Buffer.from(text)), `read here: ${text}`);
      assertSameAsFull(text);
    }
  });

  it('leaves every other form to the full reader, which reads it as before', () => {
    const base = '{"code":105,"extFields":{"topic":"TopicA"},"flag":0,"language":"JAVA","opaque":3,"serializeTypeCurrentRPC":"JSON","version":409}';
    const variants: Record<string, string> = {
      'a space': base.replace('"flag":0', '"flag": 0'),
      'an escape': base.replace('TopicA', 'Topic\\u0041'),
      'a non-ASCII value': base.replace('TopicA', 'Topicé'),
      'an exponent': base.replace('"opaque":3', '"opaque":3e2'),
      'a fraction': base.replace('"opaque":3', '"opaque":3.5'),
      'a leading zero': base.replace('"opaque":3', '"opaque":03'),
      'a number as text': base.replace('"opaque":3', '"opaque":"3"'),
      'a number of 16 digits': base.replace('"opaque":3', '"opaque":1234567890123456'),
      'an unknown field': base.replace('"flag":0', '"flag":0,"extra":1'),
      'a numeric ext key (ordered first)': base.replace('"topic"', '"7":"x","topic"'),
      'a __proto__ ext key': base.replace('"topic"', '"__proto__":"x","topic"'),
      'a null ext value': base.replace('"TopicA"', 'null'),
      'a number ext value': base.replace('"TopicA"', '42'),
      'a bare key (fastjson)': base.replace('"flag":0', 'flag:0'),
      'no code': base.replace('"code":105,', ''),
      'a null code': base.replace('"code":105', '"code":null'),
      'a null flag': base.replace('"flag":0', '"flag":null'),
      'trailing bytes': base + ' ',
      'cut short': base.slice(0, -1),
      'an array': '[1]',
      'empty object': '{}',
    };
    for (const [what, text] of Object.entries(variants)) {
      assert.notEqual(text, base, `${what}: the variant differs`);
      assert.equal(readPlainJsonHeader(Buffer.from(text)), null, what);
      assertSameAsFull(text, what);
    }
  });

  it('agrees with the full reader on generated headers', () => {
    let seed = 17;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const word = () => 'abcXYZ09_-%|:'.split('').filter(() => random(2) === 0).join('');
    for (let i = 0; i < 500; i++) {
      const fields = [
        `"code":${random(400) - 10}`,
        `"flag":${random(3)}`,
        `"language":"${word() || 'JAVA'}"`,
        `"opaque":${random(1_000_000) - 500}`,
        `"version":${random(500)}`,
        `"extFields":{${Array.from({ length: random(4) }, () => `"${word()}x":"${word()}"`).join(',')}}`,
      ];
      if (random(3) === 0) fields.push('"remark":"r"');
      if (random(2) === 0) fields.push('"serializeTypeCurrentRPC":"JSON"');
      const shuffled = fields.sort(() => random(3) - 1);
      assertSameAsFull(`{${shuffled.join(',')}}`);
    }
  });
});
