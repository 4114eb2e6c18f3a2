import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeDirectory, type ShapeBatch, type ShapeSource } from '../../src/cluster/shape-directory.js';

/** A registry of `shapes` (topic → shape id, null: no shape), counting the looks at it. */
function source(shapes: Map<string, number | null>, shareable = () => true) {
  const looked: string[] = [];
  const src: ShapeSource = {
    topicNames: () => shapes.keys(),
    shapeIdOf: (topic) => (looked.push(topic), shapes.get(topic) ?? null),
    shareable,
  };
  return { src, looked };
}

function published(batches: ShapeBatch[]): Array<[string, number]> {
  return batches.flatMap((b) => b.topics.map((t, i): [string, number] => [t, b.shapes[i]!]));
}

describe('the shape directory', () => {
  it('publishes the shapes of the topics staled, each looked at once however often it changed meanwhile', async () => {
    const { src, looked } = source(new Map([['A', 1], ['B', 1], ['C', 2], ['Own', null]]));
    const batches: ShapeBatch[] = [];
    const directory = new ShapeDirectory(src, (batch) => batches.push(batch));
    directory.stale(['A', 'C']);
    directory.stale(['A', 'Own']);
    directory.stale(['A']);
    await directory.idle();
    assert.deepEqual(published(batches).sort(), [['A', 1], ['C', 2]], 'a topic without a shape is left out');
    assert.deepEqual(looked.sort(), ['A', 'C', 'Own']);
  });

  it('publishes every topic when every answer was staled', async () => {
    const shapes = new Map(Array.from({ length: 5_000 }, (_, i): [string, number] => [`T${i}`, i % 3]));
    const { src } = source(shapes);
    const batches: ShapeBatch[] = [];
    const directory = new ShapeDirectory(src, (batch) => batches.push(batch));
    directory.stale(['T1']);
    directory.stale(null);
    await directory.idle();
    assert.deepEqual(new Map(published(batches)), shapes);
    assert.equal(published(batches).length, shapes.size, 'each once');
  });

  it('topics staled during a pass are looked at again in the next one', async () => {
    const shapes = new Map<string, number | null>([['A', 1]]);
    const { src } = source(shapes);
    const batches: ShapeBatch[] = [];
    let directory: ShapeDirectory;
    // A change announced while the first batch is published (as the cluster does), then A's shape changes.
    let first = true;
    directory = new ShapeDirectory(src, (batch) => {
      batches.push(batch);
      if (first) {
        first = false;
        shapes.set('A', 7);
        directory.stale(['A']);
      }
    });
    directory.stale(['A']);
    await directory.idle();
    assert.deepEqual(published(batches), [['A', 1], ['A', 7]]);
  });

  it('publishes nothing while answers may not be named by shape, and nothing after it stops', async () => {
    let asked!: () => void;
    const refused = new Promise<void>((resolve) => (asked = resolve));
    let shareable = false;
    const { src, looked } = source(new Map([['A', 1]]), () => (asked(), shareable));
    const batches: ShapeBatch[] = [];
    const directory = new ShapeDirectory(src, (batch) => batches.push(batch));
    directory.stale(['A']);
    const idle = directory.idle();
    await refused;
    assert.deepEqual(looked, [], 'asked whether it may, and did not look');
    directory.stop();
    await idle;
    shareable = true;
    directory.stale(['A']);
    await directory.idle();
    assert.deepEqual(batches, []);
  });
});
