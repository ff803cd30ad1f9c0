/**
 * The wire protocol between clients and the realtime server.
 *
 * Document sync and awareness travel as y-protocols frames (the y-websocket encoding:
 * a varUint message type, then the sync or awareness payload), over either transport.
 * The Socket.IO transport adds what plain y-websocket lacks: several rooms per connection,
 * an acknowledgement once an update is durable ("saved"), and a named refusal.
 */

import * as encoding from 'lib0/encoding';

/**
 * Bumped on any incompatible change to the events below. A client says its version when it joins
 * a room; the server takes versions from MIN_CLIENT_PROTOCOL up to its own and refuses others
 * with ClientTooOld or ServerTooOld (a phone offline for days comes back with an old bundle).
 * 2: `join` carries `{ protocol }`.
 */
export const PROTOCOL_VERSION = 2;
/** The oldest client protocol this server still serves. */
export const MIN_CLIENT_PROTOCOL = 2;

/** y-websocket message types (the first varUint of every frame). */
export const MessageType = {
	sync: 0,
	awareness: 1,
	auth: 2,
	queryAwareness: 3,
	/**
	 * Sitroom's own, server to client over y-websocket only: the changes of the author's last
	 * update that the server undid (refusedChangesFrame). Stock y-websocket clients have no handler
	 * for it: they log "Unable to compute message" and carry on, which is all they can do anyway.
	 * Socket.IO clients get the same list in their update's acknowledgement instead.
	 */
	refusedChanges: 16
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

/**
 * A `refusedChanges` frame: the message type, then the changes as JSON (a varString). Sent to the
 * author of an update once the update and its compensation are on disk.
 */
export function refusedChangesFrame(changes: readonly RefusedChange[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.refusedChanges);
	encoding.writeVarString(e, JSON.stringify(changes));
	return encoding.toUint8Array(e);
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
	RoomReset: { code: 4205, reason: 'room-reset' },
	/** The app is older than the server serves: reload it. */
	ClientTooOld: { code: 4426, reason: 'client-too-old' },
	/** The app is newer than the server (it was updated first): the server must be updated. */
	ServerTooOld: { code: 4427, reason: 'server-too-old' }
} as const satisfies Record<string, { code: number; reason: string }>;

/** One of the named reasons above. */
export type CloseReason = (typeof Close)[keyof typeof Close];
/** A close reason's stable identifier, as it travels on the wire. */
export type CloseReasonName = CloseReason['reason'];

const BY_REASON: ReadonlyMap<string, CloseReason> = new Map(Object.values(Close).map((c) => [c.reason, c]));
const BY_CODE: ReadonlyMap<number, CloseReason> = new Map(Object.values(Close).map((c) => [c.code, c]));

/** The close reason named `reason`, or undefined for one this code does not know (a newer server's). */
export function closeByReason(reason: unknown): CloseReason | undefined {
	return typeof reason === 'string' ? BY_REASON.get(reason) : undefined;
}

/** The close reason with WebSocket close code `code`, or undefined. */
export function closeByCode(code: number): CloseReason | undefined {
	return BY_CODE.get(code);
}

/** Why the server refuses a client that speaks `protocol`, or null if it serves it. */
export function protocolMismatch(protocol: unknown): CloseReason | null {
	if (typeof protocol !== 'number' || !Number.isInteger(protocol) || protocol < MIN_CLIENT_PROTOCOL)
		return Close.ClientTooOld;
	if (protocol > PROTOCOL_VERSION) return Close.ServerTooOld;
	return null;
}

/** Room names: incident ids and other document names. Kept URL- and key-safe. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function isValidRoomName(name: unknown): name is string {
	return typeof name === 'string' && ROOM_NAME_PATTERN.test(name);
}

/**
 * What the server says to a refused or closed client: the named reason, its code, and a sentence
 * for logs and people.
 */
export interface ServerNotice {
	code: number;
	reason: CloseReasonName;
	message: string;
}

/**
 * One change of an accepted update that the server undid, because its author may not make it
 * (offline edits are judged when they arrive, by the permissions then in force): the rest of the
 * update stands. The author's device keeps what was typed and shows it until dismissed.
 */
export interface RefusedChange {
	/** The refusal record's id (kept by the server with who, when and why). */
	id: string;
	collection: string;
	/** Entity id, township code or user id; null for the incident's own fields and the wall. */
	entityId: string | null;
	field: string | null;
	op: 'create' | 'update' | 'delete';
	/** What the author tried to write: the value, or for a removal null. */
	attempted: unknown;
	/** Why not, as the policy says it (English; the UI shows its own words beside it). */
	reason: string;
	/** When the author's device says the update was made (FrameMeta.editedAt), if it said. */
	deviceAt?: number | null;
}

/**
 * The answer to a Socket.IO `join` (at once) and to a `y` message (once every update in it is
 * durable). An accepted update may carry the changes of it the server undid.
 */
export type Ack = { ok: true; refused?: readonly RefusedChange[] } | ({ ok: false } & ServerNotice);

/**
 * What a client may say about the update a `y` frame carries (optional, small): when it was
 * made, by the device's clock. An offline device sends its oldest unsent edit's time, so that a
 * change refused hours later is shown with when it was typed. The server records it beside its
 * own time and never trusts it for anything else.
 */
export interface FrameMeta {
	/** Milliseconds since the epoch, by the device's clock. */
	editedAt?: number;
}

/** The device time in `meta` if it is a plausible one (a finite, non-negative whole number), else null. */
export function deviceTimeOf(meta: unknown): number | null {
	if (typeof meta !== 'object' || meta === null) return null;
	const t = (meta as FrameMeta).editedAt;
	return typeof t === 'number' && Number.isSafeInteger(t) && t >= 0 ? t : null;
}

/** What a client says about itself when it joins a room. */
export interface JoinHello {
	protocol: number;
}

/** Socket.IO events, client to server. */
export interface ClientToServerEvents {
	join: (room: string, hello: JoinHello, ack: (result: Ack) => void) => void;
	leave: (room: string) => void;
	/**
	 * A y-protocols frame for one room, with optional FrameMeta before the ack. The ack fires when
	 * every update in it is durable, with the changes of it the server undid (`refused`).
	 */
	y: (
		room: string,
		frame: Uint8Array,
		meta?: FrameMeta | ((result: Ack) => void),
		ack?: (result: Ack) => void
	) => void;
}

/** Socket.IO events, server to client. */
export interface ServerToClientEvents {
	y: (room: string, frame: Uint8Array) => void;
	/**
	 * The server refused an update whole: malformed, hostile in shape, depending on changes it does
	 * not have, under another user's Yjs client id, or from someone who may not write at all. A
	 * change the author may not make inside an otherwise good update is not refused this way: the
	 * update is accepted, that change undone by the server, and the author told in the update's
	 * acknowledgement (`refused`; over y-websocket a `refusedChanges` frame). After a whole
	 * refusal the local document holds an update the server will never take: the client resyncs.
	 */
	refused: (room: string, refusal: ServerNotice) => void;
	/** The server closed this room for this connection (the socket itself may stay open). */
	closed: (room: string, close: ServerNotice) => void;
}
