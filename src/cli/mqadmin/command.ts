import type { ParseArgsConfig } from 'node:util';
import type { NameServerClient } from '../../client/namesrv/name-server-client.js';
import type { Credentials } from '../../security/signature.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | undefined>;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  options: OptionValues;
  /** The NameServer list as given (`-n` or NAMESRV_ADDR). */
  nameServers: string[];
  client: NameServerClient;
  json: boolean;
  io: Output;
  timeoutMs: number;
  /** What requests are signed with, also those sent to brokers. */
  credentials?: Credentials;
}

export interface Command {
  name: string;
  description: string;
  /** Options besides the common -n, -h and --json; names and letters as Java's mqadmin has them. */
  options: OptionSpecs;
  required?: string[];
  /** False for commands that talk to controllers (`-a`): `-n` is then optional. */
  needsNameServer?: boolean;
  /** Resolves with the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** A usage mistake: exit code 2 and a one-line reason. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function stringOption(ctx: CommandContext, name: string): string {
  const value = ctx.options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`option --${name} is required`);
  return value.trim();
}
