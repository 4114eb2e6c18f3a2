/**
 * A JSON reader that also accepts what fastjson writes and standard parsers refuse:
 * unquoted object keys (`{0:"127.0.0.1:10911"}`, `{brokerName:"a"}`) and single-quoted strings.
 * Standard JSON goes through `JSON.parse` first; this reader is the fallback.
 */

export class JsonSyntaxError extends SyntaxError {
  override readonly name = 'JsonSyntaxError';
}

/** Parses JSON or fastjson's relaxed form. Throws JsonSyntaxError (a SyntaxError) when neither fits. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new LenientParser(text).parseDocument();
  }
}

/** `parseJson` over UTF-8 bytes. */
export function parseJsonBytes(bytes: Buffer): unknown {
  return parseJson(bytes.toString('utf8'));
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

class LenientParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected trailing characters');
    return value;
  }

  private parseValue(): unknown {
    this.skipWhitespace();
    const ch = this.text[this.pos];
    switch (ch) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case '"':
      case "'":
        return this.parseString();
      default:
        return this.parseBareword();
    }
  }

  private parseObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      const key = this.parseKey();
      this.skipWhitespace();
      this.expect(':');
      const value = this.parseValue();
      // A key named __proto__ must become an own property, as JSON.parse makes it.
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const sep = this.text[this.pos++];
      if (sep === '}') return result;
      if (sep !== ',') this.fail("expected ',' or '}'");
    }
  }

  private parseKey(): string {
    const ch = this.text[this.pos];
    if (ch === '"' || ch === "'") return this.parseString();
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_$.+-]/.test(this.text[this.pos]!)) this.pos++;
    if (start === this.pos) this.fail('expected an object key');
    return this.text.slice(start, this.pos);
  }

  private parseArray(): unknown[] {
    const result: unknown[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue());
      this.skipWhitespace();
      const sep = this.text[this.pos++];
      if (sep === ']') return result;
      if (sep !== ',') this.fail("expected ',' or ']'");
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos++];
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string');
      const ch = this.text[this.pos];
      if (ch === quote) {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (ch === '\\') {
        out += this.text.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private parseEscape(): string {
    this.pos++; // backslash
    const ch = this.text[this.pos++];
    switch (ch) {
      case '"': return '"';
      case "'": return "'";
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        return this.fail('bad escape');
    }
  }

  private parseBareword(): unknown {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_.+-]/.test(this.text[this.pos]!)) this.pos++;
    const word = this.text.slice(start, this.pos);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (word !== '' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(word)) return Number(word);
    return this.fail('unexpected token');
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos}`);
  }
}
