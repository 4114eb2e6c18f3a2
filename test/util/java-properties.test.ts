import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProperties, parseProperties, PropertiesSyntaxError } from '../../src/util/java-properties.js';

describe('Java .properties reading', () => {
  it('accepts =, : and whitespace as separators and trims around them', () => {
    const map = parseProperties('a=1\nb : 2\nc 3\n  d\t=\t4\ne=\nf\n');
    assert.deepEqual([...map], [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', ''], ['f', '']]);
  });

  it('skips comments and blank lines, keeps trailing blanks of values', () => {
    const map = parseProperties('# comment\n! also\n\n   \nkey=value  \n  #not=a comment? no, a comment\n');
    assert.deepEqual([...map], [['key', 'value  ']]);
  });

  it('joins continuation lines, dropping the leading blanks of the next line', () => {
    const map = parseProperties('list=a,\\\n    b,\\\r\n\tc\nnext=1\nend=x\\');
    assert.equal(map.get('list'), 'a,b,c');
    assert.equal(map.get('next'), '1');
    assert.equal(map.get('end'), 'x');
  });

  it('treats an even number of trailing backslashes as escaped backslashes, not a continuation', () => {
    const map = parseProperties('path=C:\\\\dir\\\\\nother=2\n');
    assert.equal(map.get('path'), 'C:\\dir\\');
    assert.equal(map.get('other'), '2');
  });

  it('decodes \\uXXXX and character escapes in keys and values', () => {
    const map = parseProperties('key\\ with\\=sep\\:=\\u4e2d\\t\\n\\r\\f\\q\\\\\n');
    assert.equal(map.get('key with=sep:'), '中\t\n\r\fq\\');
  });

  it('keeps the last value of a repeated key, over CR, LF and CRLF line ends', () => {
    const map = parseProperties('k=1\rk=2\r\nj=3\n');
    assert.equal(map.get('k'), '2');
    assert.equal(map.get('j'), '3');
  });

  it('refuses a malformed \\u escape as Java does', () => {
    assert.throws(() => parseProperties('k=\\u12'), PropertiesSyntaxError);
    assert.throws(() => parseProperties('k=\\uzzzz'), /Malformed \\uxxxx encoding/);
  });
});

describe('Java .properties writing', () => {
  it('writes key=value lines as Java does for ordinary values', () => {
    assert.equal(formatProperties([['listenPort', '9876'], ['namesrvAddr', '127.0.0.1:9876;b:1']]), 'listenPort=9876\nnamesrvAddr=127.0.0.1:9876;b:1\n');
  });

  it('escapes what would not read back, and reads back what it wrote', () => {
    const entries: Array<[string, string]> = [
      ['odd key=:x', ' leading blank'],
      ['#hash', 'multi\nline\ttab\\back'],
      ['unicode', '中文 ü'],
    ];
    const text = formatProperties(entries);
    assert.deepEqual([...parseProperties(text)], entries);
  });
});
