/**
 * Decodes y-protocols frames strictly, on both sides of the wire: every length is bounds-checked;
 * trailing bytes and unknown types are refused with a named reason. The server refuses what a
 * client sent with it (server/rooms/frames.ts); the app reads what the server sent with it.
 * Nothing here touches a document.
 */
import * as decoding from 'lib0/decoding';
import { Close, MessageType, SyncType, type CloseReason } from './protocol.ts';

export type Frame =
	| { kind: 'sync-step1'; stateVector: Uint8Array }
	| { kind: 'sync-step2'; update: Uint8Array }
	| { kind: 'sync-update'; update: Uint8Array }
	| { kind: 'awareness'; update: Uint8Array }
	| { kind: 'query-awareness' };

/** A frame that does not decode, with the reason a receiver names when it refuses it. */
export class FrameError extends Error {
	override readonly name = 'FrameError';
	constructor(
		readonly close: CloseReason,
		message: string
	) {
		super(message);
	}
}

export function decodeFrame(frame: Uint8Array): Frame {
	if (!(frame instanceof Uint8Array) || frame.byteLength === 0) {
		throw new FrameError(Close.MalformedMessage, 'empty or non-binary frame');
	}
	const d = decoding.createDecoder(frame);
	let result: Frame;
	try {
		const type = decoding.readVarUint(d);
		switch (type) {
			case MessageType.sync: {
				const sub = decoding.readVarUint(d);
				const payload = decoding.readVarUint8Array(d);
				if (sub === SyncType.step1) result = { kind: 'sync-step1', stateVector: payload };
				else if (sub === SyncType.step2) result = { kind: 'sync-step2', update: payload };
				else if (sub === SyncType.update) result = { kind: 'sync-update', update: payload };
				else throw new FrameError(Close.UnknownMessageType, `unknown sync message type ${sub}`);
				break;
			}
			case MessageType.awareness:
				result = { kind: 'awareness', update: decoding.readVarUint8Array(d) };
				break;
			case MessageType.queryAwareness:
				result = { kind: 'query-awareness' };
				break;
			default:
				throw new FrameError(Close.UnknownMessageType, `unknown message type ${type}`);
		}
	} catch (err) {
		if (err instanceof FrameError) throw err;
		throw new FrameError(Close.MalformedMessage, `truncated or malformed frame: ${String(err)}`);
	}
	if (decoding.hasContent(d)) throw new FrameError(Close.MalformedMessage, 'trailing bytes after the frame');
	return result;
}
