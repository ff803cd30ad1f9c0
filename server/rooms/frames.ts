/**
 * Decodes incoming y-protocols frames strictly (the shared codec, #domain/frames), awareness
 * updates and Yjs updates, refusing anything malformed with a named reason. Nothing here touches a
 * document.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { decodeFrame as decodeSharedFrame, FrameError, type Frame } from '#domain/frames';
import { Close } from '#domain/protocol';
import { refuseAndClose } from './refusal.ts';

export type { Frame } from '#domain/frames';

/** Decodes one frame from a client; a frame that does not decode closes the connection. */
export function decodeFrame(frame: Uint8Array): Frame {
	try {
		return decodeSharedFrame(frame);
	} catch (err) {
		if (err instanceof FrameError) throw refuseAndClose(err.close, err.message);
		throw err;
	}
}

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** The parsed state; null means the client left. */
	state: Record<string, unknown> | null;
	/** Size of the state's JSON text in bytes. */
	bytes: number;
}

/** Decodes an awareness update (y-protocols awareness encoding) without applying it. */
export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
	const d = decoding.createDecoder(update);
	const out: AwarenessEntry[] = [];
	try {
		const n = decoding.readVarUint(d);
		for (let i = 0; i < n; i++) {
			const clientId = decoding.readVarUint(d);
			const clock = decoding.readVarUint(d);
			const json = decoding.readVarString(d);
			const state: unknown = JSON.parse(json);
			if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
				throw new Error('awareness state is not an object');
			}
			// Bytes, as the limit says: `json.length` counts UTF-16 units, a third of a Chinese name's size.
			const bytes = Buffer.byteLength(json, 'utf8');
			out.push({ clientId, clock, state: state as Record<string, unknown> | null, bytes });
		}
	} catch (err) {
		throw refuseAndClose(Close.MalformedMessage, `malformed awareness update: ${String(err)}`);
	}
	if (decoding.hasContent(d))
		throw refuseAndClose(Close.MalformedMessage, 'trailing bytes in awareness update');
	return out;
}

/**
 * Decodes a Yjs update and refuses shapes no Yjs client produces. Regression (fuzz test): such
 * updates decode cleanly, then throw half-way through Y.applyUpdate, after part of them has
 * already changed the document: delete ranges of length zero, and items whose origin, right
 * origin or parent points at their own client at or after their own clock.
 */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

export function checkUpdateShape(update: Uint8Array): DecodedUpdate {
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch (err) {
		throw refuseAndClose(Close.MalformedMessage, `malformed update: ${String(err)}`);
	}
	for (const [client, ranges] of decoded.ds.clients) {
		for (const r of ranges) {
			if (r.len <= 0) throw refuseAndClose(Close.MalformedMessage, `empty delete range of client ${client}`);
		}
	}
	for (const s of decoded.structs) {
		if (s.length <= 0) throw refuseAndClose(Close.MalformedMessage, `empty struct of client ${s.id.client}`);
		if (!(s instanceof Y.Item)) continue;
		for (const ref of [s.origin, s.rightOrigin, s.parent instanceof Y.ID ? s.parent : null]) {
			if (ref && ref.client === s.id.client && ref.clock >= s.id.clock) {
				throw refuseAndClose(
					Close.MalformedMessage,
					`item ${s.id.client}:${s.id.clock} refers forward to ${ref.client}:${ref.clock}`
				);
			}
		}
	}
	return decoded;
}
