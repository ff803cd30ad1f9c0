/**
 * The y-websocket-compatible endpoint, `/yjs/<room>`: any standard Yjs client
 * (y-websocket's WebsocketProvider) can sync a room here. One WebSocket is one peer of one room.
 * Refused updates and protocol errors close the socket with a named 4xxx code, after an
 * y-protocols auth message ("permission-denied") that carries the reason to the client.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import {
	Close,
	closeByReason,
	isValidRoomName,
	MessageType,
	refusedChangesFrame,
	type CloseReason
} from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { Peer } from '../rooms/peer.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { Refusal } from '../rooms/refusal.ts';
import type { Authenticate } from './authenticate.ts';
import { nextConnectionId } from './connection-id.ts';
import { SLOW_CLOSE_GRACE_MS } from './slow-close.ts';
import { sendBinary } from './ws-send.ts';

export const Y_WEBSOCKET_PATH = '/yjs/';

export interface YWebsocketOptions {
	registry: RoomRegistry;
	authenticate: Authenticate;
	maxMessageBytes: number;
	log: Logger;
	/** Idle connections are pinged this often and dropped if a ping goes unanswered. */
	pingIntervalMs?: number;
}

export interface YWebsocketEndpoint {
	wss: WebSocketServer;
	/** Closes every connection with `reason`. */
	closeAll(reason: CloseReason): void;
}

export function attachYWebsocket(http: HttpServer, opts: YWebsocketOptions): YWebsocketEndpoint {
	// Regression (bad-input test): with maxPayload at the limit itself, ws cut oversized frames
	// with a bare 1009 before the room could refuse them with MessageTooLarge. Frames up to twice
	// the limit now get the named refusal (as on Socket.IO); only far larger ones are cut by ws.
	const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes * 2 + 64 * 1024 });

	http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		// Regression (upgrade-urls test): a URL that does not parse (`//`) or a room name with broken
		// percent-encoding threw out of this listener and took the process down.
		let pathname: string;
		try {
			pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		} catch {
			socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			return;
		}
		if (!pathname.startsWith(Y_WEBSOCKET_PATH)) return; // another endpoint's (Socket.IO)
		// An undecodable name is no valid room: refused below as RoomNotFound.
		const room = safeDecode(pathname.slice(Y_WEBSOCKET_PATH.length)) ?? '';
		// A function of its own, not a closure: a listener made here would keep this call's scope,
		// the upgrade request with its headers among it, for as long as the connection lives.
		socket.on('error', destroySocket);
		opts
			.authenticate(req)
			.then((auth) => {
				wss.handleUpgrade(req, socket, head, (ws) => {
					wss.emit('connection', ws, req);
					if (!auth.ok) {
						const reason = closeByReason(auth.reason) ?? Close.Unauthenticated;
						ws.close(reason.code, reason.reason);
						return;
					}
					if (!isValidRoomName(room)) {
						ws.close(Close.RoomNotFound.code, Close.RoomNotFound.reason);
						return;
					}
					serveConnection(ws, room, auth.identity, opts);
				});
			})
			.catch((err: unknown) => {
				opts.log.error({ err }, 'authentication failed unexpectedly');
				socket.destroy();
			});
	});

	const interval = opts.pingIntervalMs ?? 30_000;
	const alive = new WeakMap<WebSocket, boolean>();
	const pinger = setInterval(() => {
		for (const ws of wss.clients) {
			if (alive.get(ws) === false) {
				ws.terminate();
				continue;
			}
			alive.set(ws, false);
			ws.ping();
		}
	}, interval);
	pinger.unref();
	wss.on('connection', (ws) => {
		alive.set(ws, true);
		ws.on('pong', () => alive.set(ws, true));
	});
	wss.on('close', () => clearInterval(pinger));

	return {
		wss,
		closeAll(reason) {
			for (const ws of wss.clients) ws.close(reason.code, reason.reason);
		}
	};
}

function serveConnection(
	ws: WebSocket,
	roomName: string,
	identity: Peer['identity'],
	opts: YWebsocketOptions
): void {
	const connId = nextConnectionId('yws');
	// Made when first needed: most connections never log, and a child logger per connection is
	// memory held for as long as it lives.
	let childLog: Logger | null = null;
	const log = (): Logger =>
		(childLog ??= opts.log.child({ conn: connId, user: identity?.userId, room: roomName }));
	let closed = false;
	const closeWith = (reason: CloseReason, message: string): void => {
		if (closed) return;
		closed = true;
		if (reason.code === Close.SlowConnection.code) {
			ws.close(reason.code, reason.reason);
			setTimeout(() => ws.terminate(), SLOW_CLOSE_GRACE_MS).unref();
			return;
		}
		if (reason.code !== Close.Normal.code) ws.send(authDenied(`${reason.reason}: ${message}`));
		ws.close(reason.code, reason.reason);
	};
	const peer: Peer = {
		id: connId,
		identity,
		transport: 'y-websocket',
		send: (frame) => {
			if (ws.readyState === ws.OPEN) sendBinary(ws, frame);
		},
		queuedBytes: () => ws.bufferedAmount,
		// Standard clients cannot undo a refused change; closing makes the refusal visible.
		refuse: (reason, message) => closeWith(reason, message),
		// Changes the server undid inside an accepted update: a frame of Sitroom's own type, which
		// stock clients ignore (they already hold the server's undoing, sent as an update).
		refusedChanges: (changes) => {
			if (ws.readyState === ws.OPEN) sendBinary(ws, refusedChangesFrame(changes));
		},
		close: (reason, message) => closeWith(reason, message)
	};

	// Frames that arrive while the room loads are queued by the room itself, in order.
	const pending: Array<Uint8Array> = [];
	let room: Awaited<ReturnType<RoomRegistry['join']>> | null = null;

	ws.on('message', (data, isBinary) => {
		if (closed) return;
		if (!isBinary || !(data instanceof Buffer)) {
			closeWith(Close.MalformedMessage, 'frames must be binary');
			return;
		}
		const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
		if (room) room.receive(peer, frame);
		else pending.push(frame);
	});
	ws.on('close', () => {
		closed = true;
		room?.leave(peer);
		if (opts.log.isLevelEnabled('debug')) log().debug('y-websocket closed');
	});
	ws.on('error', (err) => {
		// ws reports oversized frames (1009) and protocol errors here, then closes.
		log().warn({ err: err.message }, 'y-websocket error');
	});

	opts.registry
		.join(roomName, peer)
		.then((r) => {
			if (closed) {
				r.leave(peer);
				return;
			}
			room = r;
			for (const f of pending.splice(0)) r.receive(peer, f);
		})
		.catch((err: unknown) => {
			const reason = err instanceof Refusal ? err.close : Close.RoomNotFound;
			log().warn({ reason: reason.reason }, `join refused: ${String(err)}`);
			closeWith(reason, err instanceof Error ? err.message : String(err));
		});
}

function destroySocket(this: Duplex): void {
	this.destroy();
}

function authDenied(reason: string): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.auth);
	encoding.writeVarUint(e, 0); // y-protocols auth: permission denied
	encoding.writeVarString(e, reason.slice(0, 500));
	return encoding.toUint8Array(e);
}

function safeDecode(s: string): string | null {
	try {
		return decodeURIComponent(s);
	} catch {
		return null;
	}
}
