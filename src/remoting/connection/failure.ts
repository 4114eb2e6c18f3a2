import type { CloseReason } from './close-reason.js';

/**
 * Why a connection must be closed, as the stages return it (never thrown): the connection logs it
 * in one line and closes with `reason`.
 */
export interface Failure {
  readonly failure: true;
  readonly reason: CloseReason;
  readonly message: string;
  readonly level: 'info' | 'warn';
  /** Logged with the message. */
  readonly details?: Record<string, unknown>;
}

export function failure(message: string, details?: Record<string, unknown>, reason: CloseReason = 'bad-input', level: Failure['level'] = 'warn'): Failure {
  return { failure: true, reason, message, level, details };
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as Failure).failure === true;
}

/** An exception that reached the connection (a bug): it closes that connection like any failure. */
export function unexpected(err: unknown, stage: string): Failure {
  return failure('unexpected error reading the connection, closing it', { stage, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'error');
}
