// Bundles the console into dist/console/ (index.html, app.js, app.css): everything it needs, no CDN.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'dist', 'console');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: path.join(here, 'src', 'main.tsx') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
fs.copyFileSync(path.join(here, 'src', 'index.html'), path.join(out, 'index.html'));
fs.copyFileSync(path.join(here, 'src', 'app.css'), path.join(out, 'app.css'));

if (process.argv.includes('--sizes')) {
  const { gzipSync } = await import('node:zlib');
  for (const name of fs.readdirSync(out)) {
    const bytes = fs.readFileSync(path.join(out, name));
    console.log(`${name.padEnd(12)} ${String(bytes.length).padStart(7)} B  ${String(gzipSync(bytes).length).padStart(6)} B gzipped`);
  }
}
