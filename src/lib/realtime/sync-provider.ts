/**
 * Syncs one Yjs document (and its awareness) with one room over the app's Socket.IO
 * connection, using y-protocols frames. Tracks what the UI must always show: connected or
 * not, synced or not, and whether every local change is saved (acknowledged as durable).
 *
 * Offline: local changes stay in the document; when the socket reconnects the server's sync
 * step 1 asks for them and they are sent as one step 2, acknowledged once durable.
 *
 * Refused changes (accept and compensate): the server takes every update that is sound and undoes
 * at once the changes in it its author may not make; the acknowledgement lists them (`refused`),
 * and the undoing arrives as an ordinary update. The local document stays as it is (nothing else
 * typed is lost, and later edits go on applying); `onRefusedChanges` hands the list to the owner,
 * who keeps and shows it. Each update frame carries the device's time of its oldest edit
 * (FrameMeta.editedAt), which the server records beside each refusal.
 */
import type { Socket } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeFrame, FrameError, type Frame } from '$lib/domain/frames';
import {
	awarenessFrame,
	Close,
	closeByReason,
	PROTOCOL_VERSION,
	SyncType,
	syncFrame,
	type Ack,
	type ClientToServerEvents,
	type CloseReasonName,
	type FrameMeta,
	type RefusedChange,
	type ServerNotice,
	type ServerToClientEvents
} from '$lib/domain/protocol';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface SyncState {
	status: ConnectionStatus;
	/** The first full exchange with the server is done. */
	synced: boolean;
	/** Local changes not yet acknowledged as durable by the server. */
	unsaved: boolean;
}

/**
 * A durable record of local changes (the device's outbox, src/lib/offline): told of each local
 * change before it is sent, and of what the server has acknowledged as on disk.
 */
export interface LocalChanges {
	/** A local change was made; returns its number (increasing). */
	add(update: Uint8Array): number;
	/** The number of the newest local change (0: none yet). */
	latest(): number;
	/** The server has change `seq` on disk (with `upTo`, every change numbered up to it). */
	saved(seq: number, upTo: boolean): void;
}

/** Which local changes a frame carries, for its acknowledgement. */
interface Carried {
	seq: number;
	upTo: boolean;
}

export interface SyncProviderOptions {
	awareness?: awarenessProtocol.Awareness;
	/** Where local changes are kept until the server has them (offline outbox). */
	localChanges?: LocalChanges;
	/** Called on every state change (status, synced, unsaved). */
	onState?: (state: SyncState) => void;
	/**
	 * The server refused an update whole (malformed, under someone else's client id, from a role
	 * that may not write). The local document now holds something the server will never accept:
	 * the owner must replace it with a fresh one. Changes refused inside an accepted update come
	 * through onRefusedChanges instead, and need nothing replaced.
	 */
	onRefused?: (refusal: ServerNotice) => void;
	/**
	 * The server accepted an update and undid these changes of it (its author may not make them,
	 * by the permissions when it arrived). The undoing is already on its way as an update; the
	 * owner keeps the list (what was typed, why not) until the person dismisses it.
	 */
	onRefusedChanges?: (room: string, changes: readonly RefusedChange[]) => void;
	/** The device's clock (ms since the epoch); for tests. */
	now?: () => number;
	/** The server closed this room for this connection (deactivated account, shutdown, …). */
	onClosed?: (close: ServerNotice) => void;
}

const REMOTE = Symbol('remote');

/**
 * Close reasons after which the server expects the client back (a restart, a room reloaded from
 * storage). After any other ('account-deactivated', 'unauthenticated', 'session-expired' …) a
 * socket the server disconnected stays disconnected and the owner shows why.
 */
const COME_BACK_AFTER: ReadonlySet<CloseReasonName> = new Set<CloseReasonName>([
	'server-shutting-down',
	'room-reset',
	'connection-too-slow'
]);
/**
 * Close reasons after which the server expects this room back on the same connection: its
 * storage failed (the database is unreachable, say), and a later join loads it again. The
 * provider rejoins with backoff (REJOIN_MS), keeping its unsaved changes for the next sync.
 */
const REJOIN_AFTER: ReadonlySet<CloseReasonName> = new Set<CloseReasonName>(['storage-failed']);
/** Waits before rejoining a room after REJOIN_AFTER: doubling from the first to the last. */
const REJOIN_MS = [500, 1000, 2000, 4000, 8000] as const;
/**
 * Refused whole because the server lacks what it builds on: the provider rejoins (a full catch-up
 * by state vectors) this many times in a row before it hands the refusal on as one it cannot mend.
 */
const MISSING_DEPENDENCIES: CloseReasonName = 'update-missing-dependencies';
const MAX_CATCH_UPS = 3;
/** Sockets with a reconnect scheduled: one per socket, however many rooms it carries. */
const reconnecting = new WeakSet<AppSocket>();

export class SyncProvider {
	#state: SyncState = { status: 'connecting', synced: false, unsaved: false };
	/** Frames with updates sent and not yet acknowledged. */
	#inFlight = 0;
	/**
	 * Counts the times frames in flight were given up (kept for the next sync instead): an ack
	 * that arrives after that, for a frame sent before, must not count against a frame sent since.
	 * Regression (several nodes): a forwarded frame's ack came after the room was closed and
	 * rejoined, and the step 2 then in flight was shown as saved before it was.
	 */
	#flightEpoch = 0;
	/** Local changes made while disconnected (sent with the next step 2). */
	#dirtyOffline = false;
	/** When the oldest local change not yet sent was made (device clock), or null. */
	#unsentSince: number | null = null;
	#destroyed = false;
	/** The reason of the server's last `closed` for this room, until the next successful join. */
	#lastClose: CloseReasonName | null = null;
	/**
	 * The server refused to let us in (not found or not shared, an app too old …): asking again at
	 * every reconnect would only show "connecting" forever, so the provider stops and its owner
	 * shows why.
	 */
	#joinRefused = false;
	/** Rejoins tried since the last successful join (REJOIN_AFTER), and the one scheduled. */
	#rejoins = 0;
	/** Rejoins after `update-missing-dependencies` since the last acknowledged frame. */
	#catchUps = 0;
	#rejoinTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		readonly socket: AppSocket,
		readonly room: string,
		readonly doc: Y.Doc,
		private readonly opts: SyncProviderOptions = {}
	) {
		this.#listenForUpdates();
		doc.on('afterTransactionCleanup', this.#beforeUpdateEvent);
		doc.on('afterAllTransactions', this.#listenForUpdates);
		opts.awareness?.on('update', this.#onAwarenessUpdate);
		socket.on('connect', this.#onConnect);
		socket.on('disconnect', this.#onDisconnect);
		socket.on('y', this.#onFrame);
		socket.on('refused', this.#onRefused);
		socket.on('closed', this.#onClosed);
		socket.on('connect_error', this.#onConnectError);
		if (socket.connected) this.#onConnect();
		// Turned away (no session, an expired one) before this room was opened on it: a socket the
		// server refused tries no more, so it asks again, and the answer, refusal or connection,
		// comes here. The room page opens the socket as the app starts, ahead of its rooms.
		else if (!socket.active) socket.connect();
	}

	get state(): SyncState {
		return this.#state;
	}

	#set(patch: Partial<SyncState>): void {
		const next = { ...this.#state, ...patch };
		if (
			next.status === this.#state.status &&
			next.synced === this.#state.synced &&
			next.unsaved === this.#state.unsaved
		)
			return;
		this.#state = next;
		this.opts.onState?.(next);
	}

	#refreshUnsaved(): void {
		this.#set({ unsaved: this.#inFlight > 0 || this.#dirtyOffline });
	}

	#onConnect = (): void => {
		if (this.#joinRefused) return;
		this.#set({ status: 'connecting', synced: false });
		this.socket.emit('join', this.room, { protocol: PROTOCOL_VERSION }, (res) => {
			if (this.#destroyed) return;
			if (!res.ok) {
				if (REJOIN_AFTER.has(res.reason)) {
					this.#set({ status: 'disconnected', synced: false });
					this.opts.onClosed?.(res);
					this.#rejoinLater();
					return;
				}
				this.#joinRefused = !COME_BACK_AFTER.has(res.reason);
				this.#set({ status: 'disconnected', synced: false });
				this.opts.onClosed?.(res);
				return;
			}
			this.#lastClose = null;
			this.#rejoins = 0;
			this.#set({ status: 'connected' });
			this.#send(syncFrame(SyncType.step1, Y.encodeStateVector(this.doc)), false);
			const aw = this.opts.awareness;
			if (aw && aw.getLocalState() !== null) {
				this.#send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(aw, [aw.clientID])), false);
			}
		});
	};

	#onDisconnect = (why: string): void => {
		// socket.io-client never reconnects a socket the server disconnected ('io server
		// disconnect'): after a restart or a room reset, come back with backoff ourselves.
		if (why === 'io server disconnect' && this.#lastClose && COME_BACK_AFTER.has(this.#lastClose)) {
			this.#reconnectLater();
		}
		// Frames in flight may or may not have been saved; they will be resent by the next sync.
		if (this.#inFlight > 0) this.#dirtyOffline = true;
		this.#inFlight = 0;
		this.#flightEpoch++;
		this.#set({ status: 'disconnected', synced: false });
		this.#refreshUnsaved();
		const aw = this.opts.awareness;
		if (aw) {
			const others = [...aw.getStates().keys()].filter((id) => id !== aw.clientID);
			awarenessProtocol.removeAwarenessStates(aw, others, REMOTE);
		}
	};

	#reconnectLater(): void {
		const socket = this.socket;
		if (this.#destroyed || reconnecting.has(socket)) return;
		reconnecting.add(socket);
		// Jittered, so that a restarted server is not hit by every client at once. If the server
		// is still down, socket.io's own reconnection (with its backoff) takes over from here.
		const delay = socket.io.reconnectionDelay() * (1 + Math.random());
		setTimeout(() => {
			reconnecting.delete(socket);
			if (!socket.connected && socket.io.reconnection()) socket.connect();
		}, delay);
	}

	/** Authentication refused on (re)connect: socket.io does not retry, so say why. */
	#onConnectError = (err: Error & { data?: { reason?: unknown } }): void => {
		const reason = err.data?.reason;
		if (typeof reason !== 'string' || this.#destroyed) return;
		this.#set({ status: 'disconnected', synced: false });
		const close = closeByReason(reason) ?? Close.Unauthenticated;
		this.opts.onClosed?.({ code: close.code, reason: close.reason, message: err.message });
	};

	#now(): number {
		return this.opts.now?.() ?? Date.now();
	}

	#send(f: Uint8Array, carriesUpdate: boolean, editedAt: number | null = null, carried?: Carried): void {
		if (!carriesUpdate) {
			this.socket.emit('y', this.room, f);
			return;
		}
		this.#inFlight++;
		this.#refreshUnsaved();
		const meta: FrameMeta = editedAt === null ? {} : { editedAt };
		const epoch = this.#flightEpoch;
		this.socket.emit('y', this.room, f, meta, (ack: Ack) => {
			if (this.#destroyed) return;
			if (epoch !== this.#flightEpoch) {
				// Given up already and resent since: only what it says about the outbox still holds.
				if (ack.ok && carried) this.opts.localChanges?.saved(carried.seq, carried.upTo);
				return;
			}
			this.#inFlight = Math.max(0, this.#inFlight - 1);
			// Regression (several nodes, PostgreSQL cut): the state was worked out before a refusal
			// marked the change as kept for the next sync, so a refused frame showed as saved.
			if (!ack.ok && ack.reason !== 'forbidden') this.#dirtyOffline = true;
			this.#refreshUnsaved();
			if (ack.ok) this.#catchUps = 0;
			if (ack.ok && carried) this.opts.localChanges?.saved(carried.seq, carried.upTo);
			if (ack.ok && ack.refused && ack.refused.length > 0)
				this.opts.onRefusedChanges?.(this.room, ack.refused);
		});
	}

	/**
	 * Yjs encodes every transaction's update when (and only when) the doc has an 'update'
	 * listener, just after 'afterTransactionCleanup'. A remote update needs no encoding (it is
	 * never sent back), and re-encoding a whole room's initial sync costs tens of milliseconds
	 * and megabytes of garbage: so the listener is off for exactly the transactions applied from
	 * the server and on for every other one (including local changes made by observers while a
	 * remote update is being applied, which are transactions of their own).
	 */
	#listening = false;

	#listen(on: boolean): void {
		if (on === this.#listening || this.#destroyed) return;
		this.#listening = on;
		if (on) this.doc.on('update', this.#onDocUpdate);
		else this.doc.off('update', this.#onDocUpdate);
	}

	#beforeUpdateEvent = (transaction: Y.Transaction): void => {
		this.#listen(transaction.origin !== REMOTE);
	};

	#listenForUpdates = (): void => {
		this.#listen(true);
	};

	#onDocUpdate = (update: Uint8Array, origin: unknown): void => {
		if (origin === REMOTE) return;
		const seq = this.opts.localChanges?.add(update);
		if (this.#state.status !== 'connected') {
			this.#dirtyOffline = true;
			this.#unsentSince ??= this.#now();
			this.#refreshUnsaved();
			return;
		}
		const seqs = seq === undefined ? undefined : { seq, upTo: false };
		this.#send(syncFrame(SyncType.update, update), true, this.#now(), seqs);
	};

	#onAwarenessUpdate = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		if (origin === REMOTE || this.#state.status !== 'connected') return;
		const changed = [...added, ...updated, ...removed];
		this.#send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.opts.awareness!, changed)), false);
	};

	#onFrame = (room: string, data: ArrayBuffer | Uint8Array): void => {
		if (room !== this.room || this.#destroyed) return;
		let f: Frame;
		try {
			f = decodeFrame(data instanceof Uint8Array ? data : new Uint8Array(data));
		} catch (err) {
			// The server sends only frames it made; one that does not decode is a bug to report, and
			// skipping it loses nothing: the next sync asks for whatever it carried.
			if (err instanceof FrameError)
				console.error(`sitroom: undecodable frame from the server: ${err.message}`);
			else throw err;
			return;
		}
		switch (f.kind) {
			case 'sync-step1': {
				// The server asks for what we have that it lacks: this carries offline edits.
				const hadOffline = this.#dirtyOffline;
				const since = this.#unsentSince;
				this.#dirtyOffline = false;
				this.#unsentSince = null;
				const diff = Y.encodeStateAsUpdate(this.doc, f.stateVector);
				// The diff holds every local change the server lacks: its ack covers all made so far.
				const latest = this.opts.localChanges?.latest();
				this.#send(
					syncFrame(SyncType.step2, diff),
					true,
					hadOffline ? since : null,
					latest === undefined ? undefined : { seq: latest, upTo: true }
				);
				if (hadOffline) this.#refreshUnsaved();
				return;
			}
			case 'sync-step2':
				Y.applyUpdate(this.doc, f.update, REMOTE);
				this.#set({ synced: true });
				return;
			case 'sync-update':
				Y.applyUpdate(this.doc, f.update, REMOTE);
				return;
			case 'awareness':
				if (this.opts.awareness)
					awarenessProtocol.applyAwarenessUpdate(this.opts.awareness, f.update, REMOTE);
				return;
			case 'query-awareness':
				// The server never asks; nothing to answer.
				return;
		}
	};

	#onRefused = (room: string, refusal: ServerNotice): void => {
		if (room !== this.room || this.#destroyed) return;
		// The server lacks changes this update builds on (an earlier frame lost between nodes, say):
		// nothing in it is wrong, and dropping the document (what onRefused leads to) would lose it
		// and everything typed since. Leave and join again instead: the server's step 1 then asks
		// for everything it lacks, the missing changes included. Regression: after a Redis restart
		// an owner refused a replica's reordered forwards, and the app threw the edits away.
		if (refusal.reason === MISSING_DEPENDENCIES && this.#catchUps < MAX_CATCH_UPS && this.socket.connected) {
			this.#catchUps++;
			if (this.#inFlight > 0) this.#dirtyOffline = true;
			this.#inFlight = 0;
			this.#flightEpoch++;
			this.#refreshUnsaved();
			this.socket.emit('leave', this.room);
			this.#onConnect();
			return;
		}
		this.opts.onRefused?.(refusal);
	};

	#onClosed = (room: string, close: ServerNotice): void => {
		if (room !== this.room) return;
		this.#lastClose = close.reason;
		this.#set({ status: 'disconnected', synced: false });
		// The server reloaded the room from storage: rejoin and resync; nothing local is lost.
		if (close.reason === 'room-reset' && this.socket.connected && !this.#destroyed) {
			if (this.#inFlight > 0) this.#dirtyOffline = true;
			this.#inFlight = 0;
			this.#flightEpoch++;
			this.#onConnect();
			return;
		}
		// Its storage failed: what was in flight may not be saved; keep it for the next sync, and
		// come back once the room can be loaded again.
		if (REJOIN_AFTER.has(close.reason)) {
			if (this.#inFlight > 0) this.#dirtyOffline = true;
			this.#inFlight = 0;
			this.#flightEpoch++;
			this.#refreshUnsaved();
			this.opts.onClosed?.(close);
			this.#rejoinLater();
			return;
		}
		this.opts.onClosed?.(close);
	};

	#rejoinLater(): void {
		if (this.#rejoinTimer || this.#destroyed) return;
		const wait = REJOIN_MS[Math.min(this.#rejoins, REJOIN_MS.length - 1)]!;
		this.#rejoins++;
		this.#rejoinTimer = setTimeout(() => {
			this.#rejoinTimer = null;
			if (!this.#destroyed && this.socket.connected) this.#onConnect();
		}, wait);
	}

	destroy(): void {
		if (this.#destroyed) return;
		if (this.#rejoinTimer) clearTimeout(this.#rejoinTimer);
		this.#listen(false);
		this.#destroyed = true;
		this.doc.off('afterTransactionCleanup', this.#beforeUpdateEvent);
		this.doc.off('afterAllTransactions', this.#listenForUpdates);
		this.opts.awareness?.off('update', this.#onAwarenessUpdate);
		this.socket.off('connect', this.#onConnect);
		this.socket.off('disconnect', this.#onDisconnect);
		this.socket.off('y', this.#onFrame);
		this.socket.off('refused', this.#onRefused);
		this.socket.off('closed', this.#onClosed);
		this.socket.off('connect_error', this.#onConnectError);
		if (this.socket.connected) this.socket.emit('leave', this.room);
	}
}
