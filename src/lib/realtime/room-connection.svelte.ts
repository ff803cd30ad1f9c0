/**
 * A room as the UI sees it: the live Y.Doc, presence, and the connection and saving state that
 * must always be visible. Changes the server undid inside an accepted update (accept and
 * compensate) leave the document as it is: the server's undoing arrives as an update, and
 * `refusedChanges` holds the latest list (what was typed, why not) for the owner to keep and show;
 * `onRefusedChanges` hands each list over as it comes (the offline store persists it). Only an
 * update refused whole (malformed, someone else's client id) replaces the document with a fresh
 * copy from the server, and `refusal` says why.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { RefusedChange, ServerNotice } from '$lib/domain/protocol';
import { SyncProvider, type AppSocket, type ConnectionStatus, type LocalChanges } from './sync-provider.ts';

/**
 * What this device keeps of a room (src/lib/offline's LocalRoom): the document as last seen and
 * the outbox of changes the server has not acknowledged. Its getters are reactive.
 */
export interface LocalCopy {
	readonly outbox: LocalChanges & { clear(): void };
	/** Changes made here that the server has not acknowledged as on disk. */
	readonly waiting: number;
	/** Every change made here is on this device's disk. */
	readonly storedLocally: boolean;
	/** Puts what the device kept into `doc`, before it syncs. */
	restore(doc: Y.Doc): void;
	/** Keeps `doc` on the device from now on. */
	keep(doc: Y.Doc): void;
	/** Keeps changes the server refused, until the person dismisses them. */
	keepRefused(changes: readonly RefusedChange[]): void;
	close(): void;
}

export interface RoomConnectionOptions {
	/** What this device keeps of the room, once opened (offline use). */
	local?: Promise<LocalCopy | null>;
	/** Each list of changes the server undid in an accepted update, as it comes (to persist it). */
	onRefusedChanges?: (room: string, changes: readonly RefusedChange[]) => void;
}

export class RoomConnection {
	#status = $state<ConnectionStatus>('connecting');
	#synced = $state(false);
	#unsaved = $state(false);
	#refusal = $state<ServerNotice | null>(null);
	#refusedChanges = $state.raw<readonly RefusedChange[]>([]);
	#closed = $state<ServerNotice | null>(null);
	#doc = $state.raw<Y.Doc>(new Y.Doc());
	#awareness = $state.raw<Awareness>(new Awareness(this.#doc));
	#local = $state.raw<LocalCopy | null>(null);
	#provider: SyncProvider | null = null;
	#destroyed = false;

	/**
	 * With `opts.local`, the room is first restored from this device (the document as last seen and
	 * the changes still waiting) and only then synced, so the server is asked only for what it has
	 * that the device lacks, and sent only what it lacks. Without one (no IndexedDB, no session
	 * yet), or if it fails to open, the room syncs as it is.
	 */
	constructor(
		readonly room: string,
		private readonly socket: AppSocket,
		private readonly opts: RoomConnectionOptions = {}
	) {
		const local = opts.local;
		if (!local) {
			this.#provider = this.#connect();
			return;
		}
		local
			.catch((err: unknown) => {
				console.warn(`sitroom: room ${room} is not kept on this device`, err);
				return null;
			})
			.then((copy) => {
				if (this.#destroyed) return copy?.close();
				if (copy) {
					copy.restore(this.#doc);
					copy.keep(this.#doc);
					this.#local = copy;
				}
				this.#provider = this.#connect();
			})
			.catch((err: unknown) => console.error('sitroom: could not open the room', err));
	}

	/** What this device keeps of the room; null until restored, or when nothing is kept. */
	get local(): LocalCopy | null {
		return this.#local;
	}

	get status(): ConnectionStatus {
		return this.#status;
	}
	get synced(): boolean {
		return this.#synced;
	}
	get unsaved(): boolean {
		return this.#unsaved;
	}
	/** The last update refused whole, until dismissed. */
	get refusal(): ServerNotice | null {
		return this.#refusal;
	}
	/** The changes the server undid in the latest update that had any, until dismissed. */
	get refusedChanges(): readonly RefusedChange[] {
		return this.#refusedChanges;
	}
	/** Set when the server closed the room for us (deactivated, shutting down …). */
	get closed(): ServerNotice | null {
		return this.#closed;
	}
	/** The current document; replaced after a refusal, so read it reactively. */
	get doc(): Y.Doc {
		return this.#doc;
	}
	get awareness(): Awareness {
		return this.#awareness;
	}

	/**
	 * Connects again after the server turned the session away (the person signed in again): the
	 * room rejoins with the new session and sends what waits in the outbox.
	 */
	reconnect(): void {
		if (this.#destroyed) return;
		this.#closed = null;
		this.#provider?.destroy();
		// The new provider connects the socket again if the server had turned it away (asking twice
		// would send a second connect packet on an open manager).
		this.#provider = this.#connect();
	}

	dismissRefusal(): void {
		this.#refusal = null;
	}

	/** Forgets the latest refused changes (the owner keeps its own copy if it stores them). */
	dismissRefusedChanges(): void {
		this.#refusedChanges = [];
	}

	#connect(): SyncProvider {
		return new SyncProvider(this.socket, this.room, this.#doc, {
			awareness: this.#awareness,
			localChanges: this.#local?.outbox,
			onState: (s) => {
				this.#status = s.status;
				this.#synced = s.synced;
				this.#unsaved = s.unsaved;
				// Back after a restart or room reset: the earlier close no longer applies.
				if (s.status === 'connected') this.#closed = null;
			},
			onRefused: (r) => {
				this.#refusal = r;
				this.#resync();
			},
			onRefusedChanges: (room, changes) => {
				this.#refusedChanges = changes;
				this.#local?.keepRefused(changes);
				this.opts.onRefusedChanges?.(room, changes);
			},
			onClosed: (c) => {
				this.#closed = c;
			}
		});
	}

	/**
	 * Drops the local document (which holds an update the server refused whole, and never takes)
	 * and syncs a fresh one. Not for changes refused inside an accepted update: those are undone
	 * by the server's own update and the document stays.
	 */
	#resync(): void {
		const localState = this.#awareness.getLocalState();
		this.#provider?.destroy();
		this.#awareness.destroy();
		this.#doc.destroy();
		this.#doc = new Y.Doc();
		this.#awareness = new Awareness(this.#doc);
		// The refused change is dropped from the device too, or a reload would send it again.
		this.#local?.outbox.clear();
		this.#local?.keep(this.#doc);
		if (localState) this.#awareness.setLocalState(localState);
		this.#provider = this.#connect();
	}

	destroy(): void {
		this.#destroyed = true;
		this.#provider?.destroy();
		this.#local?.close();
		this.#awareness.destroy();
		this.#doc.destroy();
	}
}

/** A connection opened ahead of its page and not yet taken by it (at most one). */
let early: RoomConnection | null = null;

/**
 * Opens a room's connection before its page renders (from the route's `load`), so that joining
 * and the initial sync, the page's biggest download, run while the session, the page's code and
 * the map load. The page takes it with `takeRoomConnection`; opening another room early drops
 * one that no page took.
 */
export function openRoomEarly(
	room: string,
	socket: AppSocket,
	local?: () => Promise<LocalCopy | null>
): void {
	if (early?.room === room) return;
	dropEarlyRoom();
	early = new RoomConnection(room, socket, { local: local?.() });
}

/** The connection opened early for `room`, or a new one. The caller owns (destroys) it. */
export function takeRoomConnection(
	room: string,
	socket: AppSocket,
	local?: () => Promise<LocalCopy | null>
): RoomConnection {
	const conn = early?.room === room ? early : new RoomConnection(room, socket, { local: local?.() });
	if (conn === early) early = null;
	return conn;
}

/** Closes a connection opened early that no page took (the visitor was sent to log in …). */
export function dropEarlyRoom(): void {
	early?.destroy();
	early = null;
}
