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
  it('starts empty when the file is missing, and creates folders at the first write', async () => {
    const file = fileIn();
    const kv = store(file);
    kv.load();
    assert.equal(kv.namespace('NS'), undefined);
    await kv.put('NS', 'K', 'V');
    assert.equal(fs.readFileSync(file, 'utf8'), '{"configTable":{"NS":{"K":"V"}}}');
  });

  it('removes at load the temporary files a crashed write left, and loads the file itself', () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV);
    const leftover = path.join(path.dirname(file), `.kvConfig.json.${process.pid}.1.tmp`);
    fs.writeFileSync(leftover, '{"configTable":{"HALF":');
    const kv = store(file);
    kv.load();
    assert.equal(fs.existsSync(leftover), false);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['kvConfig.json']);
    assert.notEqual(kv.namespace('ORDER_TOPIC_CONFIG'), undefined);
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

  it('writes byte for byte what Java wrote for the same puts, and keeps the previous file as .bak', async () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV_BEFORE);
    const kv = store(file);
    kv.load();
    await kv.put('NS2', 'quote"key', 'v"q ü 中 \\\\ /');
    assert.equal(fs.readFileSync(file, 'utf8'), JAVA_KV);
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), JAVA_KV_BEFORE);
  });

  it('writes Java HashMap order whatever the order of the puts', async () => {
    const file = fileIn();
    const kv = store(file);
    await kv.put('NS2', 'quote"key', 'v"q ü 中 \\\\ /');
    await kv.put('NS', 'K', 'V');
    await kv.put('NS', 'K2', 'hello');
    await kv.put('ORDER_TOPIC_CONFIG', 'CapRouteTopic', 'broker-a:4');
    assert.equal(fs.readFileSync(file, 'utf8'), JAVA_KV);
  });

  it('keeps a namespace whose last key was deleted as {}', async () => {
    const file = fileIn();
    const kv = store(file);
    await kv.put('NS', 'K', 'V');
    await kv.delete('NS', 'K');
    assert.equal(fs.readFileSync(file, 'utf8'), '{"configTable":{"NS":{}}}');
    assert.equal(kv.get('NS', 'K'), undefined);
    assert.equal(kv.namespace('NS')?.size, 0);
  });

  it('bumps version on every change and not on reads or deleting a missing key', async () => {
    const kv = store(fileIn());
    const v0 = kv.version;
    await kv.put('NS', 'K', 'V');
    const v1 = kv.version;
    assert.ok(v1 > v0);
    kv.get('NS', 'K');
    await kv.delete('NS', 'missing');
    await kv.delete('nope', 'missing');
    assert.equal(kv.version, v1);
    await kv.put('NS', 'K', 'V2');
    await kv.delete('NS', 'K');
    assert.equal(kv.version, v1 + 2);
  });

  it('moves a namespace\'s version only when that namespace changes, and every one when the table is read or taken back', async () => {
    const kv = store(fileIn());
    const order = () => kv.namespaceVersion('ORDER_TOPIC_CONFIG');
    const v0 = order();
    await kv.put('OTHER', 'K', 'V');
    assert.equal(order(), v0, 'another namespace');
    await kv.put('ORDER_TOPIC_CONFIG', 'TopicA', 'broker-a:4');
    const v1 = order();
    assert.ok(v1 > v0);
    await kv.delete('ORDER_TOPIC_CONFIG', 'missing');
    assert.equal(order(), v1, 'nothing deleted');
    await kv.delete('ORDER_TOPIC_CONFIG', 'TopicA');
    assert.ok(order() > v1);
    const v2 = order();
    kv.load();
    assert.ok(order() > v2, 'the table read again');
  });

  it('reloads what it wrote', async () => {
    const file = fileIn();
    const kv = store(file);
    await kv.put('A', 'x', '1');
    await kv.put('B', 'y', 'two');
    const again = store(file);
    again.load();
    assert.equal(again.get('A', 'x'), '1');
    assert.equal(again.get('B', 'y'), 'two');
  });

  it('shows a change at once, answers it once it is on disk; concurrent changes keep their order', async () => {
    const file = fileIn();
    const kv = store(file);
    const first = kv.put('NS', 'K', 'one');
    assert.equal(kv.get('NS', 'K'), 'one', 'readers see it at once, as in Java');
    assert.equal(fs.existsSync(file), false, 'not yet on disk');
    const rest = [kv.put('NS', 'K', 'two'), kv.put('NS', 'K2', 'x'), kv.delete('NS', 'K2'), kv.put('NS', 'K', 'three')];
    await first;
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).configTable.NS.K, 'one', 'the first write is on disk when it resolves');
    await Promise.all(rest);
    assert.equal(fs.readFileSync(file, 'utf8'), '{"configTable":{"NS":{"K":"three"}}}');
    assert.equal(kv.get('NS', 'K'), 'three');
    await kv.idle();
  });

  it('logs every entry in printAll', async () => {
    const lines: string[] = [];
    const logger = silentLogger();
    logger.info = ((msg: string) => void lines.push(msg)) as typeof logger.info;
    const kv = new KvStore({ path: fileIn(), logger });
    await kv.put('NS', 'K', 'V');
    lines.length = 0;
    kv.printAll();
    assert.ok(lines.includes('configTable SIZE: 1'));
    assert.ok(lines.includes('configTable NS: NS Key: K Value: V'));
  });
});

describe('KvStore with damaged files', () => {
  it('falls back to .bak when the file is corrupt, and keeps that good copy at the next write', async () => {
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
    await kv.put('X', 'k', 'v');
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

  it('ignores a temporary file left by a crashed write', async () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV_BEFORE);
    const leftover = path.join(path.dirname(file), '.kvConfig.json.999.1.tmp');
    fs.writeFileSync(leftover, '{"configTable":{"NS":{"K":"to');
    const kv = store(file);
    kv.load();
    assert.equal(kv.get('NS', 'K'), 'V');
    await kv.put('NS', 'K', 'V3');
    const again = store(file);
    again.load();
    assert.equal(again.get('NS', 'K'), 'V3');
  });

  it('leaves the old file and the table intact when a write fails', async () => {
    const file = fileIn();
    writeJavaFile(file, JAVA_KV_BEFORE);
    // A folder where the backup must go makes the save fail after the new content was written aside.
    fs.mkdirSync(`${file}.bak`);
    fs.writeFileSync(path.join(`${file}.bak`, 'occupied'), '');
    const kv = store(file);
    kv.load();
    const version = kv.version;
    const write = kv.put('NS', 'K', 'changed');
    const visible = kv.namespaceVersion('NS');
    await assert.rejects(write);
    assert.equal(fs.readFileSync(file, 'utf8'), JAVA_KV_BEFORE);
    assert.equal(kv.get('NS', 'K'), 'V', 'taken back');
    assert.ok(kv.version > version, 'caches built while it was visible are dropped');
    assert.ok(kv.namespaceVersion('NS') > visible, 'those of the namespace too');
    const leftovers = fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });
});
