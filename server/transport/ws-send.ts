/**
 * Sends binary messages on `ws` WebSockets, building each broadcast's WebSocket frame once.
 *
 * ws frames every send anew: an options object, a header buffer and a two-buffer write per
 * peer. A room broadcasts the same payload object to every peer in a row, so the frame (header
 * and payload in one buffer, unmasked as a server sends) is built on the first send, kept while
 * the same payload object is sent again, and written as it is to each socket: one plain write
 * per peer. A payload must therefore not be changed after it was sent (the room builds a new one
 * for every message).
 *
 * Writing to the socket directly is what ws itself does for an uncompressed, unfragmented
 * message when nothing is queued. Whenever that is not the case (an extension such as
 * permessage-deflate is on, ws has queued data, internals differ from what is checked here), the
 * message goes through ws.send instead, so order and framing stay ws's own.
 */
import type { WebSocket } from 'ws';

/** Larger payloads are usually sent once (a sync answer): ws.send, without copying them. */
const FRAME_ONCE_MAX_BYTES = 64 * 1024;

/** ws's internals checked before writing to its socket (ws 8). */
interface WsInternals {
	_socket?: { write(data: Buffer): boolean };
	_sender?: { _state?: number; _queue?: unknown[]; _firstFragment?: boolean };
	_extensions?: Record<string, unknown>;
}

/**
 * The last payload framed and its frame. A broadcast sends one payload to every peer in a row, so
 * one entry serves it; a WeakMap keyed by every payload cost a garbage-collector barrier per
 * broadcast and ephemeron work in every young-generation collection.
 */
let lastPayload: Uint8Array | null = null;
let lastFrame: Buffer | null = null;

/** One final, unmasked binary WebSocket frame (RFC 6455 §5.2) holding `payload`. */
export function binaryFrame(payload: Uint8Array): Buffer {
	const n = payload.byteLength;
	const header = n < 126 ? 2 : n < 0x10000 ? 4 : 10;
	const out = Buffer.allocUnsafe(header + n);
	out[0] = 0x82; // FIN, opcode 2 (binary)
	if (n < 126) {
		out[1] = n;
	} else if (n < 0x10000) {
		out[1] = 126;
		out.writeUInt16BE(n, 2);
	} else {
		out[1] = 127;
		out.writeUInt32BE(Math.floor(n / 0x1_0000_0000), 2);
		out.writeUInt32BE(n >>> 0, 6);
	}
	out.set(payload, header);
	return out;
}

/** Sends `payload` as one binary message; the caller has checked that `ws` is open. */
export function sendBinary(ws: WebSocket, payload: Uint8Array): void {
	const { _socket: socket, _sender: sender, _extensions: extensions } = ws as unknown as WsInternals;
	if (
		payload.byteLength > FRAME_ONCE_MAX_BYTES ||
		!socket ||
		!sender ||
		sender._state !== 0 ||
		sender._queue?.length !== 0 ||
		sender._firstFragment !== true ||
		!extensions ||
		extensions['permessage-deflate'] !== undefined
	) {
		ws.send(payload);
		return;
	}
	if (payload !== lastPayload) {
		lastFrame = binaryFrame(payload);
		lastPayload = payload;
	}
	socket.write(lastFrame!);
}
