/**
 * The wire protocol between clients and the realtime server.
 *
 * Document sync and awareness travel as y-protocols frames (the y-websocket encoding:
 * a varUint message type, then the sync or awareness payload), over either transport.
 * The Socket.IO transport adds what plain y-websocket lacks: several rooms per connection,
 * an acknowledgement once an update is durable ("saved"), and a named refusal.
 */

import * as encoding from 'lib0/encoding';

/** Bumped on any incompatible change to the events below. */
export const PROTOCOL_VERSION = 1;

/** y-websocket message types (the first varUint of every frame). */
export const MessageType = {
	sync: 0,
	awareness: 1,
	auth: 2,
	queryAwareness: 3
} as const;

/** y-protocols sync sub-types (the second varUint of a sync frame). */
export const SyncType = {
	step1: 0,
	step2: 1,
	update: 2
} as const;

/** A sync frame (step 1 carries a state vector; step 2 and update carry a Yjs update). */
export function syncFrame(sub: number, payload: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.sync);
	encoding.writeVarUint(e, sub);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

/** An awareness frame around an encoded awareness update (y-protocols/awareness). */
export function awarenessFrame(update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.awareness);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

export interface CloseReason {
	readonly code: number;
	readonly reason: string;
}

/**
 * Why the server closes a connection or refuses a message. Codes in the 4000-4999 range are
 * free for applications in WebSocket close frames; the reason strings are stable identifiers
 * clients may switch on (the UI translates them).
 */
export const Close = {
	Normal: { code: 1000, reason: 'normal' },
	MalformedMessage: { code: 4400, reason: 'malformed-message' },
	Unauthenticated: { code: 4401, reason: 'unauthenticated' },
	SessionExpired: { code: 4402, reason: 'session-expired' },
	Forbidden: { code: 4403, reason: 'forbidden' },
	RoomNotFound: { code: 4404, reason: 'room-not-found' },
	AccountDeactivated: { code: 4410, reason: 'account-deactivated' },
	MessageTooLarge: { code: 4413, reason: 'message-too-large' },
	UnknownMessageType: { code: 4415, reason: 'unknown-message-type' },
	MissingDependencies: { code: 4409, reason: 'update-missing-dependencies' },
	UpdateFailed: { code: 4422, reason: 'update-failed-to-apply' },
	RateLimited: { code: 4429, reason: 'rate-limited' },
	/** The connection stopped reading: more was queued for it than the server keeps for one. */
	SlowConnection: { code: 4408, reason: 'connection-too-slow' },
	StorageFailed: { code: 4500, reason: 'storage-failed' },
	ShuttingDown: { code: 4503, reason: 'server-shutting-down' },
	/** The room was reloaded from storage (after an update failed half-way); rejoin to resync. */
	RoomReset: { code: 4205, reason: 'room-reset' }
} as const satisfies Record<string, CloseReason>;

export type CloseReasonName = keyof typeof Close;

/** Room names: incident ids and other document names. Kept URL- and key-safe. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function isValidRoomName(name: unknown): name is string {
	return typeof name === 'string' && ROOM_NAME_PATTERN.test(name);
}

/** The answer to a Socket.IO `y` message that carried an update: sent once it is durable. */
export type FrameAck = { ok: true } | { ok: false; code: number; reason: string; message: string };

export type JoinAck = { ok: true } | { ok: false; code: number; reason: string; message: string };

/** Socket.IO events, client to server. */
export interface ClientToServerEvents {
	join: (room: string, ack: (result: JoinAck) => void) => void;
	leave: (room: string) => void;
	/** A y-protocols frame for one room. The ack fires when every update in it is durable. */
	y: (room: string, frame: Uint8Array, ack?: (result: FrameAck) => void) => void;
}

/** Socket.IO events, server to client. */
export interface ServerToClientEvents {
	y: (room: string, frame: Uint8Array) => void;
	/** The server refused an update; the client must drop its local change and resync. */
	refused: (room: string, refusal: { code: number; reason: string; message: string }) => void;
	/** The server closed this room for this connection (the socket itself may stay open). */
	closed: (room: string, close: CloseReason & { message: string }) => void;
}
