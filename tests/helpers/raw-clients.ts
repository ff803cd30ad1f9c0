/**
 * Protocol-level clients for tests that need to see exactly what the server answers to each
 * frame: a Socket.IO client with one acknowledgement per frame, and a raw WebSocket on the
 * y-websocket endpoint. They send whatever bytes they are given, valid or not.
 */
import { io as ioClient } from 'socket.io-client';
import WebSocket from 'ws';
import {
	awarenessFrame,
	PROTOCOL_VERSION,
	SyncType,
	syncFrame,
	type Ack
} from '../../src/lib/domain/protocol.ts';
import type { AppSocket } from '../../src/lib/realtime/sync-provider.ts';

export { awarenessFrame, syncFrame };

export const updateFrame = (update: Uint8Array): Uint8Array => syncFrame(SyncType.update, update);

export interface ClosedEvent {
	code: number;
	reason: string;
	message: string;
}

export interface RawSio {
	socket: AppSocket;
	/** `closed` events received, for any room. */
	closed: ClosedEvent[];
	refused: ClosedEvent[];
	/** Frames the server sent for the room, in order. */
	received: Uint8Array[];
	/** Sends one frame; resolves with the server's ack, or null if the socket went away first. */
	send(frame: Uint8Array | string): Promise<Ack | null>;
	disconnect(): void;
}

/**
 * Connects a Socket.IO client (WebSocket only, no reconnection) with a session `cookie` and
 * joins `room`.
 */
export async function connectRawSio(
	url: string,
	room: string,
	cookie: string,
	timeoutMs = 10_000
): Promise<RawSio> {
	const socket: AppSocket = ioClient(url, {
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		extraHeaders: { cookie }
	});
	const closed: ClosedEvent[] = [];
	const refused: ClosedEvent[] = [];
	const received: Uint8Array[] = [];
	socket.on('y', (r, frame) => {
		if (r === room) received.push(new Uint8Array(frame));
	});
	socket.on('closed', (_room, c) => closed.push(c));
	socket.on('refused', (_room, c) => refused.push(c));
	const joined = await new Promise<Ack>((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('join timed out')), timeoutMs);
		socket.once('connect_error', (err) => {
			clearTimeout(t);
			reject(err);
		});
		socket.once('connect', () => {
			socket.emit('join', room, { protocol: PROTOCOL_VERSION }, (res) => {
				clearTimeout(t);
				resolve(res);
			});
		});
	});
	if (!joined.ok) {
		socket.disconnect();
		throw new Error(`join refused: ${joined.reason}`);
	}
	return {
		socket,
		closed,
		refused,
		received,
		send(frame) {
			return new Promise((resolve) => {
				if (!socket.connected) return resolve(null);
				const onGone = (): void => resolve(null);
				socket.once('disconnect', onGone);
				// A string frame is deliberately wrong: the typed event map only allows binary.
				socket.emit('y', room, frame as Uint8Array, (ack) => {
					socket.off('disconnect', onGone);
					resolve(ack);
				});
			});
		},
		disconnect: () => socket.disconnect()
	};
}

export interface RawWs {
	ws: WebSocket;
	/** Binary frames received from the server, in order. */
	received: Uint8Array[];
	/** Resolves with the close code and reason once the socket is closed. */
	closed: Promise<{ code: number; reason: string }>;
}

/** Opens a raw WebSocket on `/yjs/<room>?token=…` and waits until it is open. */
export async function connectRawWs(url: string, room: string, token: string): Promise<RawWs> {
	const base = `${url.replace(/^http/, 'ws')}/yjs/${encodeURIComponent(room)}`;
	const ws = new WebSocket(`${base}?token=${encodeURIComponent(token)}`);
	const received: Uint8Array[] = [];
	ws.binaryType = 'nodebuffer';
	ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
	const closed = new Promise<{ code: number; reason: string }>((resolve) => {
		ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
	});
	ws.on('error', () => undefined); // surfaced through `closed`
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	return { ws, received, closed };
}
