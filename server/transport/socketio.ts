/**
 * The Socket.IO transport: the app's own client. One socket may join several rooms; each
 * `y` event carries one y-protocols frame for one room and is acknowledged once durable.
 * WebSocket with long-polling fallback, for intranet proxies that block upgrades.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
	Close,
	deviceTimeOf,
	isValidRoomName,
	type ClientToServerEvents,
	type CloseReason,
	MIN_CLIENT_PROTOCOL,
	PROTOCOL_VERSION,
	protocolMismatch,
	type Ack,
	type JoinHello,
	type ServerToClientEvents
} from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { Peer, PeerIdentity } from '../rooms/peer.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { frameAckOf, refused } from '../rooms/frame-result.ts';
import type { Room } from '../rooms/room.ts';
import { Refusal } from '../rooms/refusal.ts';
import type { Authenticate } from './authenticate.ts';
import { nextConnectionId } from './connection-id.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { SLOW_CLOSE_GRACE_MS } from './slow-close.ts';

interface SocketData {
	identity: PeerIdentity | null;
	connId: string;
}

export type SitroomSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;
export type SitroomIO = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Close reasons after which the whole socket is disconnected, not just one room left. */
const ENDS_SOCKET: ReadonlySet<number> = new Set(
	[
		Close.MalformedMessage,
		Close.UnknownMessageType,
		Close.MessageTooLarge,
		Close.UpdateFailed,
		Close.Unauthenticated,
		Close.SessionExpired,
		Close.AccountDeactivated,
		Close.ShuttingDown,
		Close.RateLimited,
		Close.SlowConnection
	].map((c) => c.code)
);

/** Rooms one Socket.IO connection may be in at once. */
export const MAX_ROOMS_PER_SOCKET = 32;

export interface SocketIOOptions {
	registry: RoomRegistry;
	authenticate: Authenticate;
	maxMessageBytes: number;
	log: Logger;
}

export function attachSocketIO(http: HttpServer, opts: SocketIOOptions): SitroomIO {
	const io: SitroomIO = new Server(http, {
		serveClient: false,
		transports: ['websocket', 'polling'],
		// Frames over our limit get a named refusal from us; only far larger ones are cut by
		// engine.io itself (which can only drop the connection).
		maxHttpBufferSize: opts.maxMessageBytes * 2 + 64 * 1024,
		// The y-websocket endpoint shares the HTTP server's upgrade event.
		destroyUpgrade: false,
		pingInterval: 20_000,
		pingTimeout: 20_000
	});

	// engine.io answers long-polling requests itself, past Express and its headers.
	io.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, SECURITY_HEADERS));

	io.use((socket, next) => {
		opts
			.authenticate(socket.request)
			.then((r) => {
				if (!r.ok) {
					const err = new Error(r.message) as Error & { data: unknown };
					err.data = { reason: r.reason };
					next(err);
					return;
				}
				socket.data.identity = r.identity;
				socket.data.connId = nextConnectionId('sio');
				next();
			})
			.catch((err: unknown) => next(err instanceof Error ? err : new Error(String(err))));
	});

	io.on('connection', (socket) => serveSocket(socket, opts));
	return io;
}

function serveSocket(socket: SitroomSocket, opts: SocketIOOptions): void {
	const log = opts.log.child({ conn: socket.data.connId, user: socket.data.identity?.userId });
	const joined = new Map<string, { room: Room; peer: Peer }>();
	/** Joins asked for and not yet answered (they count against MAX_ROOMS_PER_SOCKET too). */
	let joining = 0;
	log.info({ transport: socket.conn.transport.name }, 'socket connected');
	const queuedBytes = trackQueuedBytes(socket);

	const makePeer = (name: string): Peer => {
		const peer: Peer = {
			id: socket.data.connId,
			identity: socket.data.identity,
			transport: 'socket.io',
			send: (frame) => {
				socket.emit('y', name, frame);
			},
			queuedBytes,
			refuse: (reason, message) => {
				socket.emit('refused', name, { code: reason.code, reason: reason.reason, message });
			},
			close: (reason: CloseReason, message: string) => {
				const j = joined.get(name);
				if (j?.peer === peer) joined.delete(name);
				socket.emit('closed', name, { ...reason, message });
				if (ENDS_SOCKET.has(reason.code)) socket.disconnect(true);
				if (reason.code === Close.SlowConnection.code) {
					const ws = websocketOf(socket);
					if (ws) setTimeout(() => ws.terminate(), SLOW_CLOSE_GRACE_MS).unref();
				}
			}
		};
		return peer;
	};

	socket.on('join', (name, hello: unknown, ack: unknown) => {
		// A client of protocol 1 sent (name, ack): its ack is where the hello now is.
		const reply: (a: Ack) => void =
			typeof ack === 'function'
				? (ack as (a: Ack) => void)
				: typeof hello === 'function'
					? (hello as (a: Ack) => void)
					: () => undefined;
		const protocol = typeof hello === 'object' && hello !== null ? (hello as JoinHello).protocol : undefined;
		const mismatch = protocolMismatch(protocol);
		if (mismatch) {
			reply({
				ok: false,
				...mismatch,
				message: `this server speaks protocol ${MIN_CLIENT_PROTOCOL}–${PROTOCOL_VERSION}, the client ${String(protocol ?? 1)}`
			});
			return;
		}
		if (!isValidRoomName(name)) {
			reply(frameAckOf(refused(Close.RoomNotFound, 'invalid room name')));
			return;
		}
		if (joined.has(name)) {
			reply({ ok: true });
			return;
		}
		// Regression (security review): one socket joined 2,000 rooms. A person follows a few
		// incidents at once; each room held costs the server a peer and the client a document.
		if (joined.size + joining >= MAX_ROOMS_PER_SOCKET) {
			reply(
				frameAckOf(
					refused(
						Close.RateLimited,
						`a connection may be in at most ${MAX_ROOMS_PER_SOCKET} rooms at once; leave one first`
					)
				)
			);
			return;
		}
		const peer = makePeer(name);
		joining++;
		opts.registry
			.join(name, peer)
			.finally(() => joining--)
			.then((room) => {
				if (!socket.connected) {
					room.leave(peer);
					return;
				}
				// Regression (double-join test): a second join sent before the first was answered
				// added a second peer, and the one overwritten here was never left.
				if (joined.has(name)) {
					room.leave(peer);
					reply({ ok: true });
					return;
				}
				joined.set(name, { room, peer });
				reply({ ok: true });
			})
			.catch((err: unknown) => {
				const r = err instanceof Refusal ? err.close : Close.RoomNotFound;
				const message = err instanceof Error ? err.message : String(err);
				log.warn({ room: name, reason: r.reason }, `join refused: ${message}`);
				reply(frameAckOf(refused(r, message)));
			});
	});

	socket.on('leave', (name) => {
		const j = typeof name === 'string' ? joined.get(name) : undefined;
		if (!j) return;
		joined.delete(name);
		j.room.leave(j.peer);
	});

	// `meta` (FrameMeta) is optional: a client that sends none puts its ack where the meta goes.
	socket.on('y', (name, frame, meta, ack) => {
		const replyTo: unknown = typeof meta === 'function' ? meta : ack;
		const reply = typeof replyTo === 'function' ? (replyTo as (a: Ack) => void) : undefined;
		const j = typeof name === 'string' ? joined.get(name) : undefined;
		if (!j) {
			reply?.(frameAckOf(refused(Close.RoomNotFound, 'join the room first')));
			return;
		}
		if (!(frame instanceof Uint8Array)) {
			reply?.(frameAckOf(refused(Close.MalformedMessage, 'frame must be binary')));
			j.room.leave(j.peer);
			j.peer.close(Close.MalformedMessage, 'frame must be binary');
			return;
		}
		j.room.receive(j.peer, frame, reply && ((result) => reply(frameAckOf(result))), deviceTimeOf(meta));
	});

	socket.on('disconnect', (why) => {
		for (const { room, peer } of joined.values()) room.leave(peer);
		joined.clear();
		log.info({ why }, 'socket disconnected');
	});
}

/** The ws WebSocket under a Socket.IO connection on the WebSocket transport, else null. */
function websocketOf(socket: SitroomSocket): { bufferedAmount: number; terminate(): void } | null {
	const transport = socket.conn.transport as unknown as {
		name: string;
		socket?: { bufferedAmount: number; terminate(): void };
	};
	return transport.name === 'websocket' && transport.socket ? transport.socket : null;
}

/**
 * Counts the bytes queued for a Socket.IO connection: packets engine.io holds until its transport
 * can take them (packetCreate adds, flush hands them over), plus what the WebSocket under it has
 * not yet written to the network. O(1) per call: the room asks on every send.
 */
function trackQueuedBytes(socket: SitroomSocket): () => number {
	let inEngine = 0;
	const sizeOf = (data: unknown): number =>
		typeof data === 'string'
			? Buffer.byteLength(data)
			: data instanceof Uint8Array
				? data.byteLength
				: data instanceof ArrayBuffer
					? data.byteLength
					: 0;
	socket.conn.on('packetCreate', (packet: { data?: unknown }) => {
		inEngine += sizeOf(packet.data);
	});
	socket.conn.on('flush', (packets: Array<{ data?: unknown }>) => {
		for (const p of packets) inEngine -= sizeOf(p.data);
		if (inEngine < 0) inEngine = 0;
	});
	return () => inEngine + (websocketOf(socket)?.bufferedAmount ?? 0);
}

/**
 * Stops Socket.IO after every client has been told why. Sockets still connected (in no room)
 * are disconnected, and each connection closes once its write buffer has drained.
 *
 * Regression (shutdown test): `io.close()` closes every engine.io connection with `discard`,
 * dropping what is still queued; a `closed` server-shutting-down (4503) queued behind acks was
 * lost and the client saw only "transport close". Wait (bounded) for the drained closes first.
 */
export async function closeSocketIO(io: SitroomIO, drainMs = 2_000): Promise<void> {
	for (const socket of io.sockets.sockets.values()) socket.disconnect(true);
	const deadline = Date.now() + drainMs;
	while (io.engine.clientsCount > 0 && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 10));
	}
	await new Promise<void>((resolve) => {
		void io.close(() => resolve());
	});
}
