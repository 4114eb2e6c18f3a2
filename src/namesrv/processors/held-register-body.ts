import type { RemotingCommand } from '../../remoting/remoting-command.js';
import type { RegisterBodyFingerprint } from './register-body-fingerprint.js';

/**
 * A large JSON REGISTER_BROKER body that stayed where it arrived (a serving process), sent with
 * its fingerprint only: most registrations repeat the body last applied, and then the registry
 * needs nothing but the fingerprint. The bytes are fetched only when the body must be decoded.
 */
export interface HeldRegisterBody {
  fingerprint: RegisterBodyFingerprint;
  /** The body's bytes; rejects when they can no longer be had (the serving process is gone). */
  fetch(): Promise<Buffer>;
}

/** Requests whose body is held elsewhere (their `body` is null). */
const held = new WeakMap<RemotingCommand, HeldRegisterBody>();

export function holdRegisterBody(request: RemotingCommand, body: HeldRegisterBody): void {
  held.set(request, body);
}

export function heldRegisterBodyOf(request: RemotingCommand): HeldRegisterBody | undefined {
  return held.get(request);
}

/** Bodies at least this large are held by the serving process that read them. */
export const HOLD_FROM_BYTES = 256 * 1024;
