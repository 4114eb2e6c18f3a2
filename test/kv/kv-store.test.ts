import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { KvStore, KvStoreLoadError } from '../../src/namesrv/kv/kv-store.js';
import { silentLogger } from '../../src/util/logger.js';
import { CAPTURE_DIR } from '../fixtures/captures.js';
import { tempDir } from '../config/helpers.js';

const JAVA_KV = fs.readFileSync(path.join(CAPTURE_DIR, 'kvConfig.json'), 'utf8');
const JAVA_KV_BEFORE = fs.readFileSync(path.join(CAPTURE_DIR, 'kvConfig.json.bak'), 'utf8');

function store(file: string): KvStore {
  return new KvStore({ path: file, logger: silentLogger() });
}

function fileIn(dir = tempDir('namesrv-kv-')): string {
  return path.join(dir, 'namesrv', 'kvConfig.json');
}

function writeJavaFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

describe('KvStore', () => {
  it('starts empty when the file is missing, and creates folders at the first write', () => {
    const file = fileIn();
    const kv = store(file);
    kv.load();
    assert.equal(kv.namespace('NS'), undefined);
    kv.put('NS', 'K', 'V');
    assert.equal(fs.readFileSync(file, 'utf8'), '{"configTable":{"NS":{"K":"V"}}}');
  });

  it('loads the kvConfig.json a Java 4.9.8 NameServer wrote', () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV);
    const kv = store(file);
    kv.load();
    assert.equal(kv.get('NS', 'K'), 'V');
    assert.equal(kv.get('NS', 'K2'), 'hello');
    assert.equal(kv.get('ORDER_TOPIC_CONFIG', 'CapRouteTopic'), 'broker-a:4');
    assert.equal(kv.get('NS2', 'quote"key'), 'v"q ü 中 \\\\ /');
    assert.deepEqual([...kv.namespace('NS')!].sort(), [['K', 'V'], ['K2', 'hello']]);
  });

  it('writes byte for byte what Java wrote for the same puts, and keeps the previous file as .bak', () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV_BEFORE);
    const kv = store(file);
    kv.load();
    kv.put('NS2', 'quote"key', 'v"q ü 中 \\\\ /');
    assert.equal(fs.readFileSync(file, 'utf8'), JAVA_KV);
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), JAVA_KV_BEFORE);
  });

  it('writes Java HashMap order whatever the order of the puts', () => {
    const file = fileIn();
    const kv = store(file);
    kv.put('NS2', 'quote"key', 'v"q ü 中 \\\\ /');
    kv.put('NS', 'K', 'V');
    kv.put('NS', 'K2', 'hello');
    kv.put('ORDER_TOPIC_CONFIG', 'CapRouteTopic', 'broker-a:4');
    assert.equal(fs.readFileSync(file, 'utf8'), JAVA_KV);
  });

  it('keeps a namespace whose last key was deleted as {}', () => {
    const file = fileIn();
    const kv = store(file);
    kv.put('NS', 'K', 'V');
    kv.delete('NS', 'K');
    assert.equal(fs.readFileSync(file, 'utf8'), '{"configTable":{"NS":{}}}');
    assert.equal(kv.get('NS', 'K'), undefined);
    assert.equal(kv.namespace('NS')?.size, 0);
  });

  it('bumps version on every change and not on reads or deleting a missing key', () => {
    const kv = store(fileIn());
    const v0 = kv.version;
    kv.put('NS', 'K', 'V');
    const v1 = kv.version;
    assert.ok(v1 > v0);
    kv.get('NS', 'K');
    kv.delete('NS', 'missing');
    kv.delete('nope', 'missing');
    assert.equal(kv.version, v1);
    kv.put('NS', 'K', 'V2');
    kv.delete('NS', 'K');
    assert.equal(kv.version, v1 + 2);
  });

  it('reloads what it wrote', () => {
    const file = fileIn();
    const kv = store(file);
    kv.put('A', 'x', '1');
    kv.put('B', 'y', 'two');
    const again = store(file);
    again.load();
    assert.equal(again.get('A', 'x'), '1');
    assert.equal(again.get('B', 'y'), 'two');
  });

  it('logs every entry in printAll', () => {
    const lines: string[] = [];
    const logger = silentLogger();
    logger.info = ((msg: string) => void lines.push(msg)) as typeof logger.info;
    const kv = new KvStore({ path: fileIn(), logger });
    kv.put('NS', 'K', 'V');
    lines.length = 0;
    kv.printAll();
    assert.ok(lines.includes('configTable SIZE: 1'));
    assert.ok(lines.includes('configTable NS: NS Key: K Value: V'));
  });
});

describe('KvStore with damaged files', () => {
  it('falls back to .bak when the file is corrupt, and keeps that good copy at the next write', () => {
    const file = fileIn();
    writeJavaFile(file, '{"configTable":{"NS":{"K":');
    writeJavaFile(`${file}.bak`, JAVA_KV_BEFORE);
    const warnings: unknown[] = [];
    const logger = silentLogger();
    logger.warn = ((...args: unknown[]) => void warnings.push(args)) as typeof logger.warn;
    const kv = new KvStore({ path: file, logger });
    kv.load();
    assert.equal(kv.get('NS', 'K2'), 'hello');
    assert.equal(warnings.length, 1);
    kv.put('X', 'k', 'v');
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), JAVA_KV_BEFORE);
  });

  it('falls back to .bak when the file is empty', () => {
    const file = fileIn();
    writeJavaFile(file, '');
    writeJavaFile(`${file}.bak`, JAVA_KV);
    const kv = store(file);
    kv.load();
    assert.equal(kv.get('NS', 'K'), 'V');
  });

  it('refuses to start when the file and its .bak are both unreadable', () => {
    const file = fileIn();
    writeJavaFile(file, 'not json');
    assert.throws(() => store(file).load(), (error: unknown) => {
      assert.ok(error instanceof KvStoreLoadError);
      assert.match(error.message, /cannot load KV config .*kvConfig\.json: not JSON.*no backup exists/);
      return true;
    });
    writeJavaFile(`${file}.bak`, '{"configTable":[]}');
    assert.throws(() => store(file).load(), /backup .*kvConfig\.json\.bak: "configTable" is not an object/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'not json', 'the damaged file is left for the operator');
  });

  it('ignores a temporary file left by a crashed write', () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV_BEFORE);
    const leftover = path.join(path.dirname(file), '.kvConfig.json.999.1.tmp');
    fs.writeFileSync(leftover, '{"configTable":{"NS":{"K":"to');
    const kv = store(file);
    kv.load();
    assert.equal(kv.get('NS', 'K'), 'V');
    kv.put('NS', 'K', 'V3');
    const again = store(file);
    again.load();
    assert.equal(again.get('NS', 'K'), 'V3');
  });

  it('leaves the old file and the table intact when a write fails', () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV_BEFORE);
    // A folder where the backup must go makes the save fail after the new content was written aside.
    fs.mkdirSync(`${file}.bak`);
    fs.writeFileSync(path.join(`${file}.bak`, 'occupied'), '');
    const kv = store(file);
    kv.load();
    const version = kv.version;
    assert.throws(() => kv.put('NS', 'K', 'changed'));
    assert.equal(fs.readFileSync(file, 'utf8'), JAVA_KV_BEFORE);
    assert.equal(kv.get('NS', 'K'), 'V');
    assert.equal(kv.version, version);
    const leftovers = fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });
});
