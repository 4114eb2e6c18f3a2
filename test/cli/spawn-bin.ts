import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpawnedBin {
  child: ReturnType<typeof spawn>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  output(): string;
  errors(): string;
  /** Resolves with the capture groups of `pattern` once stdout matches it; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

/** Runs one of `bin/` with `home` as its home folder (its files go there), capturing what it prints. */
export function spawnBin(name: string, home: string, args: string[]): SpawnedBin {
  const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', name);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  delete env.ROCKETMQ_HOME;
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    errors: () => err,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match) resolve(match);
          return match !== null;
        };
        if (check()) return;
        child.stdout!.on('data', check);
        void exited.then(() => check() || reject(new Error(`exited before printing ${pattern}: ${out} ${err}`)));
      }),
  };
}
