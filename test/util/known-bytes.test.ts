import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KnownBytes, knownStrings } from '../../src/util/known-bytes.js';

describe('known bytes', () => {
  it('finds a known string by its bytes anywhere in a buffer, and nothing else', () => {
    const known = new KnownBytes([['topic', 1], ['topics', 2], ['zoneName', 3], ['zoneMode', 4]]);
    const bytes = Buffer.from('{"topic":"x","topics":"y","zoneMode":"z","zoneMods":"w","topi":"v"}');
    const at = (text: string) => bytes.indexOf(text);
    assert.equal(known.find(bytes, at('topic'), at('topic') + 5), 1);
    assert.equal(known.find(bytes, at('topics'), at('topics') + 6), 2);
    assert.equal(known.find(bytes, at('zoneMode'), at('zoneMode') + 8), 4);
    assert.equal(known.find(bytes, at('zoneMods'), at('zoneMods') + 8), undefined, 'same length, last byte differs');
    assert.equal(known.find(bytes, at('topi"'), at('topi"') + 4), undefined, 'a prefix');
    assert.equal(known.find(bytes, 0, 0), undefined, 'empty');
    assert.equal(known.find(bytes, 0, 40), undefined, 'no candidate of that length');
  });

  it('gives back the very string it was made with', () => {
    const text = ['J', 'AVA'].join('');
    const strings = knownStrings([text]);
    assert.equal(strings.find(Buffer.from('"JAVA"'), 1, 5), text);
  });
});
