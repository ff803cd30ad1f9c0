/**
 * A peer is one connection's membership of one room, as the core sees it. Transports
 * (Socket.IO, y-websocket) implement it; the core never knows which one it talks to.
 */
import type { Actor } from '#domain/actor';
import type { CloseReason, RefusedChange } from '#domain/protocol';

/** Who is behind a connection, as established by the transport's authentication. */
export interface PeerIdentity extends Actor {
	username: string;
	displayName: string;
	orgName: string;
	/** Session id, so that logging out or deactivation can close this connection. */
	sessionId: string | null;
}

export interface Peer {
	/** Connection id (unique per process), for logs and the update log's metadata. */
	readonly id: string;
	readonly identity: PeerIdentity | null;
	readonly transport: 'socket.io' | 'y-websocket' | 'internal';
	/** Sends one y-protocols frame to the client. */
	send(frame: Uint8Array): void;
	/**
	 * Bytes sent to this connection that its client's network has not yet taken (queued in the
	 * server process). Peers without a network (in-process) leave it out.
	 */
	queuedBytes?(): number;
	/**
	 * Tells the client one of its updates was refused; nothing of it was applied. A client that
	 * understands refusals resyncs; one that does not (plain y-websocket) is closed instead.
	 */
	refuse(reason: CloseReason, message: string): void;
	/**
	 * Tells the client, once its update is on disk, which changes of it the server undid (accept
	 * and compensate), when the transport has no acknowledgement to carry them (y-websocket).
	 */
	refusedChanges?(changes: readonly RefusedChange[]): void;
	/** Ends this peer's membership of the room with a named reason. */
	close(reason: CloseReason, message: string): void;
}
