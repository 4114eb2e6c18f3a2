import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browserCompatibleString,
  fastjsonString,
  jsonLong,
  jsonNumberKey,
  jsonStringArray,
  mapSortFieldOrder,
} from '../../src/json/fastjson-writer.js';
import { quoteBareKeys } from '../../src/protocol/bodies/body-json.js';

// Expected strings derived from fastjson 1.2.83 SerializeWriter.writeStringWithDoubleQuote and IOUtils tables.
describe('fastjson string escaping', () => {
  it('default mode writes non-ASCII and / raw, as kvConfig.json shows', () => {
    assert.equal(fastjsonString('v"q ü 中 \\\\ /'), '"v\\"q ü 中 \\\\\\\\ /"');
  });

  it('default mode escapes controls, DEL..U+009F and U+2028/U+2029 with upper-case hex', () => {
    assert.equal(fastjsonString('a\b\t\n\f\r\u0000\u000b\u001f'), '"a\\b\\t\\n\\f\\r\\u0000\\u000B\\u001F"');
    assert.equal(fastjsonString('\u007f\u0085\u009f\u00a0'), '"\\u007F\\u0085\\u009F\u00a0"');
    assert.equal(fastjsonString('x\u2028y\u2029'), '"x\\u2028y\\u2029"');
    assert.equal(fastjsonString('😀'), '"😀"');
  });

  it('an array of strings is each string as written alone, however many need escaping', () => {
    const cases: string[][] = [[], ['one'], ['a', 'b', 'c'], ['a', 'b"c', 'd'], ['x/y', 'ü', 'plain'], ['plain', 'tab\t']];
    for (const items of cases) {
      for (const mode of ['default', 'browserCompatible'] as const) {
        const one = mode === 'default' ? fastjsonString : browserCompatibleString;
        assert.equal(jsonStringArray(items, mode), `[${items.map(one).join(',')}]`, `${mode}: ${JSON.stringify(items)}`);
        assert.equal(jsonStringArray(new Set(items), mode), `[${items.map(one).join(',')}]`, `${mode}, not an array: ${JSON.stringify(items)}`);
      }
    }
  });

  it('BrowserCompatible escapes every non-ASCII UTF-16 unit and /', () => {
    assert.equal(browserCompatibleString('ü 中 / \\ "'), '"\\u00FC \\u4E2D \\/ \\\\ \\""');
    assert.equal(browserCompatibleString('😀'), '"\\uD83D\\uDE00"');
    assert.equal(browserCompatibleString('\u007f\u00a0\u0001\n'), '"\\u007F\\u00A0\\u0001\\n"');
    assert.equal(browserCompatibleString('127.0.0.1:10911'), '"127.0.0.1:10911"');
  });
});

describe('fastjson numbers and keys', () => {
  it('BrowserCompatible quotes longs beyond 2^53 - 1 only', () => {
    assert.equal(jsonLong(9007199254740991, 'browserCompatible'), '9007199254740991');
    assert.equal(jsonLong(9007199254740992, 'browserCompatible'), '"9007199254740992"');
    assert.equal(jsonLong(9007199254740992, 'default'), '9007199254740992');
  });

  it('writes Long map keys bare by default and quoted when BrowserCompatible', () => {
    assert.equal(jsonNumberKey(0, 'default'), '0:');
    assert.equal(jsonNumberKey(0, 'browserCompatible'), '"0":');
  });

  it('MapSortField sorts keys like a TreeMap<String>', () => {
    assert.deepEqual(mapSortFieldOrder(['b', 'B', 'a', 'é', '10', '9']), ['10', '9', 'B', 'a', 'b', 'é']);
  });
});

describe('bare key quoting', () => {
  it('quotes object keys only, never array values or string contents', () => {
    assert.equal(quoteBareKeys('{0:"a",b:[1,2],"c":{d:"{e:1}"}}'), '{"0":"a","b":[1,2],"c":{"d":"{e:1}"}}');
    assert.equal(quoteBareKeys('{"a":"x\\"{y:1}"}'), null, 'nothing to quote');
    assert.equal(quoteBareKeys("{'a':1}"), null);
  });
});
