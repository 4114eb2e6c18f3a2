import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

/** Built by `npm test`'s pretest (console/build.mjs), as for `npm start`. */
const dir = fileURLToPath(new URL('../../console/', import.meta.url));

/** XML namespace names are identifiers the DOM compares, never fetched. */
const NAMESPACES = new Set(['http://www.w3.org/1998/Math/MathML', 'http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg']);

describe('console bundle', () => {
  test('is one page, one script and one style sheet, small', () => {
    assert.deepEqual(fs.readdirSync(dir).sort(), ['app.css', 'app.js', 'index.html']);
    assert.ok(fs.statSync(path.join(dir, 'app.js')).size < 100_000);
  });

  test('loads nothing from elsewhere: no URL but XML namespace names', () => {
    for (const name of fs.readdirSync(dir)) {
      const urls = fs.readFileSync(path.join(dir, name), 'utf8').match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi) ?? [];
      assert.deepEqual(urls.filter((u) => !NAMESPACES.has(u)), [], name);
    }
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    assert.match(html, /<script type="module" src="app\.js">/);
    assert.match(html, /<link rel="stylesheet" href="app\.css">/);
  });
});
