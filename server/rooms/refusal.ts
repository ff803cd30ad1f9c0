/**
 * A named refusal: thrown by hooks and the frame decoder to say why a message is not accepted.
 * `closes` says whether the connection must end (bad protocol) or only this message is refused
 * (a forbidden edit: the client can resync and carry on).
 */
import type { CloseReason } from '#domain/protocol';

export class Refusal extends Error {
	override readonly name = 'Refusal';
	constructor(
		readonly close: CloseReason,
		message: string,
		readonly closes: boolean
	) {
		super(message);
	}
}

/** Refuse only the message; the peer stays connected. */
export function refuse(close: CloseReason, message: string): Refusal {
	return new Refusal(close, message, false);
}

/** Refuse the message and close the peer's connection to the room. */
export function refuseAndClose(close: CloseReason, message: string): Refusal {
	return new Refusal(close, message, true);
}
