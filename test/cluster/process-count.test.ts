import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PER_CORE_MIN_CORES, servingProcessCount } from '../../src/cluster/process-count.js';

test('servingProcesses=0 is one process per core on hosts of four cores or more', () => {
  assert.equal(PER_CORE_MIN_CORES, 4);
  assert.equal(servingProcessCount(0, 4), 4);
  assert.equal(servingProcessCount(0, 16), 16);
  assert.equal(servingProcessCount(0, 64), 64);
});

test('servingProcesses=0 is the single process on hosts of one to three cores', () => {
  for (const cores of [1, 2, 3]) assert.equal(servingProcessCount(0, cores), 1, `${cores} cores`);
});

test('an explicit servingProcesses is taken as given, whatever the core count', () => {
  assert.equal(servingProcessCount(1, 64), 1);
  assert.equal(servingProcessCount(2, 2), 2);
  assert.equal(servingProcessCount(8, 1), 8);
});
