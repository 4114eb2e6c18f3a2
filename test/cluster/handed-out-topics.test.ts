import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandedOutTopics } from '../../src/cluster/handed-out-topics.js';

const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe('the topics serving processes may hold something for', () => {
  it('an announcement names only topics given out, each once, and forgets them', () => {
    const given = new HandedOutTopics();
    given.noteAll(['Held-1', 'Held-2']);
    assert.deepEqual(given.narrow({ topics: ['New-1', 'Held-2', 'New-2', 'Held-2'], everyAnswer: false }), { topics: ['Held-2'], everyAnswer: false });
    assert.equal(given.narrow({ topics: ['Held-2'], everyAnswer: false }), null, 'dropped by the workers: nothing left to announce');
    given.note('Held-2');
    assert.deepEqual(given.narrow({ topics: ['Held-2'], everyAnswer: false })?.topics, ['Held-2'], 'given out again after the announcement');
  });

  it('nothing to announce unless every answer changed', () => {
    const given = new HandedOutTopics();
    given.note('Held-1');
    assert.equal(given.narrow({ topics: names('New', 20_000), everyAnswer: false }), null);
    assert.deepEqual(given.narrow({ topics: [], everyAnswer: true }), { topics: [], everyAnswer: true });
    assert.deepEqual(given.narrow({ topics: ['Held-1'], everyAnswer: true }), { topics: ['Held-1'], everyAnswer: true });
  });

  it('finds every topic given out among many that were not, and no other', () => {
    const given = new HandedOutTopics();
    given.noteAll(names('Held', 50_000));
    const stale = [...names('New', 50_000), 'Held-0', 'Held-31337', 'Held-49999'];
    assert.deepEqual(given.narrow({ topics: stale, everyAnswer: false })?.topics, ['Held-0', 'Held-31337', 'Held-49999']);
    assert.equal(given.size, 50_000 - 3);
  });

  it('an announcement of every topic empties the record', () => {
    const given = new HandedOutTopics();
    given.noteAll(['Held-1', 'Held-2']);
    assert.deepEqual(given.narrow({ topics: null, everyAnswer: true }), { topics: null, everyAnswer: true });
    assert.equal(given.size, 0);
    assert.equal(given.narrow({ topics: ['Held-1'], everyAnswer: false }), null);
  });

  it('past its limit it stops tracking and every change is announced, until the workers are emptied', () => {
    const given = new HandedOutTopics(3);
    given.noteAll(['A', 'B', 'C']);
    assert.equal(given.isTracking, true);
    given.note('D');
    assert.equal(given.isTracking, false);
    assert.equal(given.size, 0);
    const stale = { topics: ['X', 'Y'], everyAnswer: false };
    assert.equal(given.narrow(stale), stale, 'untracked: announced as it is');
    given.note('A');
    assert.equal(given.narrow({ topics: null, everyAnswer: true })?.topics, null);
    assert.equal(given.isTracking, true);
    given.note('A');
    assert.equal(given.narrow({ topics: ['X', 'Y'], everyAnswer: false }), null, 'tracking again');
    assert.deepEqual(given.narrow({ topics: ['A'], everyAnswer: false })?.topics, ['A']);
  });
});

describe('names given out as having no route', () => {
  it('count against a limit of their own, and a name announced no longer counts', () => {
    const given = new HandedOutTopics(1_000, 2);
    given.noteNoRoute('Gone-1');
    given.noteNoRoute('Gone-2');
    assert.deepEqual(given.narrow({ topics: ['Gone-1'], everyAnswer: false })?.topics, ['Gone-1'], 'created since: announced');
    given.noteNoRoute('Gone-3');
    assert.equal(given.isTracking, true, 'two held: within the limit');
    given.noteNoRoute('Gone-3');
    assert.equal(given.isTracking, true, 'the same name counts once');
    given.noteAll(names('Routed', 10));
    assert.equal(given.isTracking, true, 'routes do not count');
    given.noteNoRoute('Gone-4');
    assert.equal(given.isTracking, false, 'past the limit: untracked');
    const stale = { topics: ['Anything'], everyAnswer: false };
    assert.equal(given.narrow(stale), stale);
    given.narrow({ topics: null, everyAnswer: true });
    given.noteNoRoute('Gone-5');
    given.noteNoRoute('Gone-6');
    assert.equal(given.isTracking, true, 'counted afresh once the workers were emptied');
  });

  describe('topics given out as having no route that a registration being applied now routes', () => {
    /** Rows naming `rowNames`, of which `routed` are answered (a broker gone routes none); counts the probes. */
    function arrived(rowNames: string[], routed = new Set(rowNames)) {
      const probes = { routes: 0, names: 0 };
      return {
        probes,
        rows: {
          size: rowNames.length,
          names: () => ((probes.names += rowNames.length), rowNames),
          routes: (topic: string) => (probes.routes++, routed.has(topic)),
        },
      };
    }

    it('are taken once and forgotten, whether the rows or the names are fewer', () => {
      for (const rowCount of [3, 5_000]) {
        const given = new HandedOutTopics();
        for (const topic of names('Asked', 100)) given.noteNoRoute(topic);
        given.note('Routed-1');
        const rowNames = [...names('Fresh', rowCount - 3), 'Asked-7', 'Asked-70', 'Routed-1'];
        const { rows, probes } = arrived(rowNames, new Set(['Asked-7', 'Asked-70', 'Routed-1']));
        assert.deepEqual(given.takeRouted(rows).sort(), ['Asked-7', 'Asked-70'], `${rowCount} rows`);
        if (rowCount < 100) assert.equal(probes.routes, 2, 'few rows: the names of these rows that are held probed');
        else assert.equal(probes.names, 0, 'few names held: the rows probed with them');
        assert.deepEqual(given.takeRouted(rows), [], 'forgotten once taken');
        assert.deepEqual(given.narrow({ topics: ['Asked-7', 'Asked-8', 'Routed-1'], everyAnswer: false })?.topics, ['Asked-8', 'Routed-1']);
      }
    });

    it('none when the rows do not route them, when none was given out so, or while untracked', () => {
      const given = new HandedOutTopics(1_000, 2);
      given.noteNoRoute('Asked-1');
      assert.deepEqual(given.takeRouted(arrived(['Asked-1'], new Set()).rows), [], 'its broker left meanwhile');
      given.noteNoRoute('Asked-2');
      given.noteNoRoute('Asked-3');
      assert.equal(given.isTracking, false);
      assert.deepEqual(given.takeRouted(arrived(['Asked-1', 'Asked-2']).rows), []);
      assert.deepEqual(new HandedOutTopics().takeRouted(arrived(['Asked-1']).rows), []);
    });
  });
});
