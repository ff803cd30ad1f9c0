/**
 * What became of one frame a peer sent: accepted once everything it changed is on disk, or
 * refused with a named reason. The one spelling of that result in the server; `frameAckOf` turns
 * it into the wire shape the app's client reads (Socket.IO acknowledgements).
 */
import type { Ack as WireAck, CloseReason, RefusedChange } from '#domain/protocol';
import type { Refusal } from './refusal.ts';

/** `refused`: the changes of the frame's update the server undid (accept and compensate), if any. */
export type FrameResult =
	| { readonly ok: true; readonly refused?: readonly RefusedChange[] }
	| { readonly ok: false; readonly close: CloseReason; readonly message: string };

/** Called once per frame with its result. */
export type Ack = (result: FrameResult) => void;

export const ACCEPTED: FrameResult = Object.freeze({ ok: true });

export function refused(close: CloseReason, message: string): FrameResult {
	return { ok: false, close, message };
}

export function refusedBy(refusal: Refusal): FrameResult {
	return refused(refusal.close, refusal.message);
}

/** The result as the app's client receives it. */
export function frameAckOf(result: FrameResult): WireAck {
	if (result.ok) return result.refused ? { ok: true, refused: result.refused } : { ok: true };
	return { ok: false, code: result.close.code, reason: result.close.reason, message: result.message };
}
