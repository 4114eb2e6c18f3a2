import { headerBoolean } from '../../protocol/custom-header.js';
import { RequestCode } from '../../protocol/request-code.js';
import type { RemotingCommand } from '../../remoting/remoting-command.js';
import { SIGNATURE_FIELD } from '../../security/signature.js';
import { registerBodyForm } from './register-body-form.js';
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

/**
 * A REGISTER_BROKER whose body the primary may never need: large, JSON (a compressed body is small,
 * and fingerprinted as it inflates), from a broker of 3.0.11 or later (whose bodies carry the data
 * version the fingerprint leaves out), and not signed (the signature covers the body, and the
 * primary checks it). The form is read as the register-broker handler reads it.
 */
export function mayHoldRegisterBody(request: RemotingCommand): boolean {
  const { body, extFields } = request;
  if (request.code !== RequestCode.REGISTER_BROKER || body === null || body.length < HOLD_FROM_BYTES) return false;
  if (extFields?.[SIGNATURE_FIELD] !== undefined) return false;
  const form = registerBodyForm(headerBoolean(extFields?.compressed ?? 'false'), body, request.version);
  return !form.compressed && !form.legacy;
}
