/**
 * A room: one Yjs document, its awareness, its peers, and the pipeline that writes every change
 * to the store before anyone sees it.
 *
 * Pipeline. Incoming frames go to an inbox; a drain takes everything queued, applies it in
 * order, and writes the resulting updates to the store in one call (group commit). Only once
 * the store has written them (they survive the server process being killed) does it broadcast
 * them and answer sync requests; once they are on disk (they survive a power cut too; the store
 * fsyncs at most once per sync interval) it acknowledges their senders ("saved").
 * While a write is in flight nothing new is applied, so whenever the drain answers a sync
 * request the document holds exactly what is written: no one can ever see an unsaved change.
 *
 * Cold rooms. Loading reads the stored state (snapshot + log since) completely before anyone is
 * answered, but decoding it into the Y.Doc is deferred until something needs the document (an
 * update to apply, a hook or service reading it, a client that already holds some state). Until
 * then a new client is answered with the stored bytes as they are: the same state, without the
 * server decoding and re-encoding megabytes first.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { awarenessFrame, Close, SyncType, syncFrame } from '#domain/protocol';
import type { CloseReason } from '#domain/protocol';
import type { AppendEntry, DocStore, StoredUpdate } from '../store/doc-store.ts';
import type { Logger } from '../log.ts';
import { checkUpdateShape, decodeAwareness, decodeFrame, type AwarenessEntry } from './frames.ts';
import type { CommittedUpdate, RoomHooks } from './hooks.ts';
import { missingDependency } from './dependencies.ts';
import type { Peer } from './peer.ts';
import { Refusal, refuse, refuseAndClose } from './refusal.ts';

export interface RoomLimits {
	/** Largest accepted frame in bytes. */
	maxMessageBytes: number;
	/** Largest awareness state (JSON text) per client. */
	maxAwarenessStateBytes: number;
	/** Write a snapshot after this many logged updates. */
	snapshotEvery: number;
	/**
	 * When others see a change: once the store has written it (default; it survives a killed
	 * process), or only once it is on disk (it survives a power cut too, and broadcasts wait for
	 * the store's fsync).
	 */
	visibleAfter?: 'written' | 'disk';
	/**
	 * Most bytes one connection may have queued (sent by the server, not yet taken by the client's
	 * network) before it is closed as too slow (SlowConnection). A single frame larger than this
	 * (a big room's first sync) still goes out when nothing else is queued. Default 32 MiB.
	 */
	maxQueuedBytes?: number;
	/**
	 * Bytes of sync answers (step 2) a connection may be sent: a burst, refilled per second. An
	 * answer over the budget waits (the newest request replacing a waiting one) rather than being
	 * refused; one answer larger than the burst still goes out when the budget is full. Default
	 * 32 MiB, 2 MiB/s.
	 */
	syncAnswerBudget?: { burstBytes: number; bytesPerSecond: number };
}

/** A connection's sync request is answered once less than this is still queued for it. */
const ANSWER_WHEN_QUEUED_BELOW = 256 * 1024;
/** How often a deferred sync answer looks again whether the connection has drained. */
const ANSWER_RETRY_MS = 50;
const DEFAULT_MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const DEFAULT_SYNC_ANSWER_BUDGET = { burstBytes: 32 * 1024 * 1024, bytesPerSecond: 2 * 1024 * 1024 };
/** What an answer costs besides its bytes (working out the difference, framing). */
const ANSWER_OVERHEAD_BYTES = 4 * 1024;

export type FrameResult = { ok: true } | { ok: false; close: CloseReason; message: string };
type Ack = (result: FrameResult) => void;
/** Runs once everything written so far is on disk, or with the error if that failed. */
type OnSaved = (err?: unknown) => void;

interface BatchEntry {
	update: Uint8Array;
	origin: unknown;
	checks: readonly unknown[];
}

type Inbound =
	| { kind: 'frame'; peer: Peer; frame: Uint8Array; ack: Ack | undefined }
	| { kind: 'join'; peer: Peer; done: (err?: unknown) => void }
	/** Answer a peer's deferred sync request once it has drained (see #answerSyncRequest). */
	| { kind: 'answer'; peer: Peer }
	| { kind: 'change'; fn: (doc: Y.Doc) => void; by: ActingFor | null; done: (err?: unknown) => void };

interface PeerState {
	/** Awareness client ids this peer has published (removed when it leaves). */
	awarenessIds: Set<number>;
	/**
	 * The newest sync request not yet answered (see #answerSyncRequest): a request that arrives
	 * while one waits replaces it (they ask the same question, and the newer vector is the truer).
	 */
	wanted: { stateVector: Uint8Array; clients: number } | null;
	/** Set while an answer waits for the connection to drain. */
	retry: NodeJS.Timeout | null;
	/** Bytes of sync answers left in the budget (may go below zero), and when it was refilled. */
	answerBudget: number;
	answerBudgetAt: number;
}

/** Transaction origin for updates replayed from storage: not logged again. */
const LOAD = Symbol('load');
/** Transaction origin for server-made changes. */
export const SERVER_ORIGIN = Symbol('server');

/** The user a server-made change is done for (opening an incident through REST, …). */
export interface ActingFor {
	userId: string;
	orgId: string;
}

/**
 * Transaction origin of a server-made change done for a user: logged with that user and
 * organisation, so REST-made changes are attributed like any client's.
 */
export class ServerChangeFor {
	constructor(readonly by: ActingFor) {}
}

export type RoomState = 'loading' | 'ready' | 'failed' | 'closed';

/** The durable state of a room not yet decoded into its Y.Doc. */
interface StoredState {
	/** Snapshot, then the log after it, as stored: applied in this order to materialise. */
	parts: Uint8Array[];
	/**
	 * The state vector of the whole, when the snapshot was stored with one. Null otherwise (a
	 * log without a snapshot, a snapshot from before vectors were kept): working it out means
	 * reading every struct, as costly as decoding the document, so the room decodes it instead.
	 */
	stateVector: Uint8Array | null;
	/** The parts merged into one update, made the first time a client needs it. */
	whole: Uint8Array | null;
}

export class Room {
	/**
	 * gc off: history is kept for replay, and the permission guard must resolve the deleted items
	 * a client's update refers to (garbage collection would strip their parents).
	 */
	readonly #doc = new Y.Doc({ gc: false });
	readonly awareness = new awarenessProtocol.Awareness(this.#doc);
	/** Set from load until the document is materialised (see "Cold rooms" above). */
	#stored: StoredState | null = null;
	#state: RoomState = 'loading';
	#peers = new Map<Peer, PeerState>();
	#inbox: Inbound[] = [];
	#drainScheduled = false;
	#draining: Promise<void> | null = null;
	/** Updates produced by the current drain's transactions, awaiting commit. */
	#batch: BatchEntry[] = [];
	/** checkUpdate results for the update being applied, attached to what it produces. */
	#checks: readonly unknown[] = [];
	#lastSeq = 0;
	/** When everything this room has written so far is on disk (the latest write's onDisk). */
	#onDisk: Promise<void> = Promise.resolve();
	/** The document may differ from what is durable (an update failed half-way): reload it. */
	#mustReload = false;
	/** Set once close() began: new frames are refused while what was received is committed. */
	#closing: { reason: CloseReason; message: string } | null = null;
	#snapshotSeq = 0;
	/** Set once the stored state was decoded into the document and onLoaded ran. */
	#materialized = false;
	readonly loaded: Promise<void>;
	/** Awareness client id → the peer that owns it. */
	#awarenessOwner = new Map<number, Peer>();
	/**
	 * Awareness client id → the user (or, signed out, the connection) that first announced it, for
	 * the room's life. Regression (security review): ids were free again once their connection
	 * left; another member took a dropped user's id, and that user was hidden when they came back.
	 */
	#awarenessUser = new Map<number, string>();
	/** Set when the room has no peers; the registry unloads it after the idle time. */
	idleSince: number | null = Date.now();
	/**
	 * The answer to a sync request from a client that holds nothing (a new client), framed, for the
	 * state at `seq`: every new client of a busy room gets the same bytes, built once per change,
	 * and connections that are slow to take them share one buffer rather than a copy each.
	 */
	#fullAnswer: { seq: number; frame: Uint8Array } | null = null;
	/** The state vector sent to each joining peer, for the state at `seq`. */
	#stateVectorAt: { seq: number; stateVector: Uint8Array } | null = null;

	constructor(
		readonly name: string,
		private readonly store: DocStore,
		private readonly hooks: readonly RoomHooks[],
		private readonly limits: RoomLimits,
		private readonly log: Logger
	) {
		// The server publishes no presence of its own.
		this.awareness.setLocalState(null);
		this.#doc.on('update', (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
			if (origin === LOAD) return;
			const checks = origin instanceof ServerChangeFor ? this.#describeChange(tr) : this.#checks;
			this.#batch.push({ update, origin, checks });
			// A change made outside a drain (should not happen, but must not be lost).
			if (!this.#draining) this.#scheduleDrain();
		});
		this.awareness.on('update', this.#relayAwareness);
		this.loaded = this.#load();
	}

	/** What the hooks make of a server-made change done for a user (attribution). */
	#describeChange(transaction: Y.Transaction): readonly unknown[] {
		return this.hooks.map((h) => {
			try {
				return h.describeChange?.({ room: this, transaction });
			} catch (err) {
				// Inside Yjs' event: a failing description loses attribution rows, never the change.
				this.log.error({ room: this.name, err }, 'describing a server-made change failed');
				return undefined;
			}
		});
	}

	/** The room's document, decoded from storage first if it has not been yet. */
	get doc(): Y.Doc {
		this.#materialize();
		return this.#doc;
	}

	/** Whether the stored state has been decoded into the document (for tests and logs). */
	get materialized(): boolean {
		return this.#materialized;
	}

	get state(): RoomState {
		return this.#state;
	}
	get peerCount(): number {
		return this.#peers.size;
	}
	get peers(): IterableIterator<Peer> {
		return this.#peers.keys();
	}
	get lastSeq(): number {
		return this.#lastSeq;
	}

	async #load(): Promise<void> {
		const t0 = performance.now();
		const { snapshot, snapshotSeq, snapshotStateVector, updates } = await this.store.load(this.name);
		this.#snapshotSeq = snapshotSeq;
		this.#lastSeq = updates.length ? updates[updates.length - 1]!.seq : snapshotSeq;
		const parts = updates.map((u) => u.update);
		if (snapshot) parts.unshift(snapshot);
		if (parts.length > 0) {
			this.#stored = {
				parts,
				stateVector: snapshot && snapshotStateVector ? stateVectorOf(snapshotStateVector, updates) : null,
				whole: null
			};
		}
		this.#state = 'ready';
		if (parts.length === 0) this.#materialize();
		this.log.info(
			{
				room: this.name,
				seq: this.#lastSeq,
				logged: updates.length,
				bytes: parts.reduce((n, p) => n + p.byteLength, 0),
				ms: Math.round(performance.now() - t0)
			},
			'room loaded'
		);
		if (updates.length >= this.limits.snapshotEvery) await this.#snapshot();
	}

	/**
	 * Decodes the stored state into the document, once, and tells the hooks the room is loaded.
	 * Synchronous, so that any reader of `doc` gets the whole document.
	 */
	#materialize(): void {
		// While loading, the document is empty and nobody has been answered: nothing to decode yet.
		if (this.#materialized || this.#state === 'loading') return;
		const stored = this.#stored;
		this.#stored = null;
		this.#materialized = true;
		const t0 = performance.now();
		try {
			if (stored) {
				Y.transact(
					this.#doc,
					() => {
						for (const p of stored.parts) Y.applyUpdate(this.#doc, p, LOAD);
					},
					LOAD
				);
			}
			for (const h of this.hooks) h.onLoaded?.({ room: this });
		} catch (err) {
			// What is stored does not decode: the room cannot serve anyone until it is repaired.
			this.#fail(err, 'load');
			throw err;
		}
		if (stored)
			this.log.info({ room: this.name, ms: Math.round(performance.now() - t0) }, 'room document decoded');
	}

	/** The sync answer (step 2) for a client with state vector `sv`: the state it lacks. */
	#syncAnswer(sv: Uint8Array, svClients: number): Uint8Array {
		if (svClients > 0) return syncFrame(SyncType.step2, Y.encodeStateAsUpdate(this.doc, sv));
		const seq = this.#lastSeq;
		if (this.#fullAnswer?.seq === seq) return this.#fullAnswer.frame;
		// A new client (empty vector) gets the stored bytes as they are. One that holds state
		// (a reconnect) needs a diff, and decoding the document once serves every such client.
		const stored = this.#stored;
		const whole = stored ? wholeOf(stored) : Y.encodeStateAsUpdate(this.doc);
		const bytes = syncFrame(SyncType.step2, whole);
		// One Buffer for every peer: transports frame it once and never copy it per send.
		const frame = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		this.#fullAnswer = { seq, frame };
		return frame;
	}

	/** The state vector of the room's durable state. */
	#stateVector(): Uint8Array {
		const seq = this.#lastSeq;
		if (this.#stateVectorAt?.seq === seq) return this.#stateVectorAt.stateVector;
		const stateVector = this.#stored?.stateVector ?? Y.encodeStateVector(this.doc);
		this.#stateVectorAt = { seq, stateVector };
		return stateVector;
	}

	/**
	 * Sends a frame to a peer, unless the peer has stopped taking what it is sent: past
	 * maxQueuedBytes queued for it, it is closed (SlowConnection) and its buffers are let go.
	 * Returns whether the peer is still in the room.
	 */
	#send(peer: Peer, frame: Uint8Array): boolean {
		const queued = peer.queuedBytes?.() ?? 0;
		if (queued > 0 && queued + frame.byteLength > (this.limits.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES)) {
			this.log.warn(
				{ room: this.name, conn: peer.id, user: peer.identity?.userId, queued },
				'connection too slow: closing it'
			);
			this.leave(peer);
			peer.close(
				Close.SlowConnection,
				`more than ${this.limits.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES} bytes are waiting to be sent to this connection`
			);
			return false;
		}
		peer.send(frame);
		return true;
	}

	/** Adds a peer: it gets the room's state once the room is loaded and all before it is durable. */
	join(peer: Peer): Promise<void> {
		if (this.#state === 'failed' || this.#state === 'closed') {
			return Promise.reject(new Error(`room ${this.name} is ${this.#state}`));
		}
		this.idleSince = null;
		return new Promise((resolve, reject) => {
			this.#enqueue({ kind: 'join', peer, done: (err) => (err ? reject(err) : resolve()) });
		});
	}

	/** Hands one frame from a peer to the room. `ack` fires once its effects are durable. */
	receive(peer: Peer, frame: Uint8Array, ack?: Ack): void {
		if (this.#state === 'failed' || this.#state === 'closed') {
			ack?.({ ok: false, close: Close.StorageFailed, message: `room is ${this.#state}` });
			return;
		}
		if (this.#closing) {
			ack?.({ ok: false, close: this.#closing.reason, message: this.#closing.message });
			return;
		}
		this.#enqueue({ kind: 'frame', peer, frame, ack });
	}

	/**
	 * Makes a server-side change through the same durable pipeline as any client's. `by` is the
	 * user it is done for (recorded in the log); omitted for the server's own changes.
	 */
	change(fn: (doc: Y.Doc) => void, by?: ActingFor): Promise<void> {
		if (this.#state === 'failed' || this.#state === 'closed' || this.#closing) {
			return Promise.reject(new Error(`room ${this.name} is ${this.#closing ? 'closing' : this.#state}`));
		}
		// A server-made change is activity: a room being seeded must not unload as idle meanwhile.
		this.#touch();
		return new Promise((resolve, reject) => {
			const done = (err?: unknown): void => {
				this.#touch();
				if (err) reject(err);
				else resolve();
			};
			this.#enqueue({ kind: 'change', fn, by: by ?? null, done });
		});
	}

	/** Restarts the idle time of a room without peers. */
	#touch(): void {
		if (this.#peers.size === 0) this.idleSince = Date.now();
	}

	/** Whether frames or changes are waiting or being applied (the registry never unloads then). */
	get busy(): boolean {
		return this.#inbox.length > 0 || this.#drainScheduled || this.#draining !== null;
	}

	/** Removes a peer (it disconnected or was closed) and its presence. */
	leave(peer: Peer): void {
		const st = this.#peers.get(peer);
		if (!st) return;
		this.#peers.delete(peer);
		if (st.retry) clearTimeout(st.retry);
		for (const id of st.awarenessIds) this.#awarenessOwner.delete(id);
		if (st.awarenessIds.size > 0) {
			awarenessProtocol.removeAwarenessStates(this.awareness, [...st.awarenessIds], peer);
		}
		for (const h of this.hooks) h.onLeave?.({ room: this, peer });
		if (this.#peers.size === 0) this.idleSince = Date.now();
	}

	#enqueue(item: Inbound): void {
		this.#inbox.push(item);
		this.#scheduleDrain();
	}

	#scheduleDrain(): void {
		if (this.#drainScheduled || this.#draining) return;
		this.#drainScheduled = true;
		// setImmediate, not a microtask: frames that arrived in the same I/O turn join one batch.
		setImmediate(() => {
			this.#drainScheduled = false;
			this.#draining = this.#drain().finally(() => {
				this.#draining = null;
				if (this.#inbox.length > 0 || this.#batch.length > 0) this.#scheduleDrain();
			});
		});
	}

	async #drain(): Promise<void> {
		if (this.#state === 'loading') {
			try {
				await this.loaded;
			} catch (err) {
				this.#fail(err, 'load');
				return;
			}
		}
		while (this.#state === 'ready' && (this.#inbox.length > 0 || this.#batch.length > 0)) {
			const items = this.#inbox;
			this.#inbox = [];
			const after: Array<() => void> = [];
			const saved: OnSaved[] = [];
			const joins: Array<{ peer: Peer; done: (err?: unknown) => void }> = [];
			for (const item of items) {
				if (item.kind === 'join') joins.push(item);
				else if (item.kind === 'answer') after.push(() => this.#answerSyncRequest(item.peer));
				else if (item.kind === 'change') this.#applyChange(item, saved);
				else this.#applyFrame(item.peer, item.frame, item.ack, after, saved);
			}
			// Joins run their (possibly async) hooks before committing, so that a refused join
			// never sees state; their initial sync is sent after the commit like any reply.
			for (const j of joins) await this.#admit(j.peer, j.done, after);

			const batch = this.#batch;
			this.#batch = [];
			let committed: CommittedUpdate[] = [];
			if (batch.length > 0) {
				try {
					committed = await this.#commit(batch);
				} catch (err) {
					this.#fail(err, 'commit');
					return;
				}
				if (this.limits.visibleAfter === 'disk') {
					try {
						await this.#onDisk;
					} catch (err) {
						this.#fail(err, 'sync');
						return;
					}
				}
			}
			if (committed.length > 0)
				for (const h of this.hooks) h.onCommitted?.({ room: this, updates: committed });
			this.#broadcast(committed, batch);
			for (const fn of after) fn();
			if (saved.length > 0) this.#whenOnDisk(saved);
			if (this.#mustReload) {
				this.#reset();
				return;
			}
			if (this.#lastSeq - this.#snapshotSeq >= this.limits.snapshotEvery) await this.#snapshot();
		}
	}

	async #commit(batch: BatchEntry[]): Promise<CommittedUpdate[]> {
		const at = Date.now();
		const entries: AppendEntry[] = batch.map(({ update, origin }) => {
			const peer = isPeer(origin) ? origin : null;
			const actingFor = origin instanceof ServerChangeFor ? origin.by : null;
			return {
				room: this.name,
				update,
				at,
				userId: peer?.identity?.userId ?? actingFor?.userId ?? null,
				orgId: peer?.identity?.orgId ?? actingFor?.orgId ?? null,
				connectionId: peer?.id ?? null
			};
		});
		const { seqs, onDisk } = await this.store.write(entries);
		this.#onDisk = onDisk;
		this.#lastSeq = seqs[seqs.length - 1] ?? this.#lastSeq;
		const committed: CommittedUpdate[] = new Array(entries.length);
		for (let i = 0; i < entries.length; i++) {
			const e = entries[i]!;
			const { origin, checks } = batch[i]!;
			committed[i] = {
				room: e.room,
				update: e.update,
				at: e.at,
				userId: e.userId,
				orgId: e.orgId,
				connectionId: e.connectionId,
				seq: seqs[i]!,
				size: e.update.byteLength,
				peer: isPeer(origin) ? origin : null,
				checks
			};
		}
		return committed;
	}

	#broadcast(committed: CommittedUpdate[], batch: BatchEntry[]): void {
		for (let i = 0; i < committed.length; i++) {
			const origin = batch[i]!.origin;
			// Nobody else here (one person editing alone): no frame to build.
			if (this.#peers.size === 0 || (this.#peers.size === 1 && this.#peers.has(origin as Peer))) continue;
			// One Buffer for every peer: transports frame it once (ws-send.ts) and ws would otherwise
			// wrap a Uint8Array anew for each send.
			const bytes = syncFrame(SyncType.update, committed[i]!.update);
			const frame = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
			for (const peer of this.#peers.keys()) if (peer !== origin) this.#send(peer, frame);
		}
	}

	async #admit(peer: Peer, done: (err?: unknown) => void, after: Array<() => void>): Promise<void> {
		try {
			for (const h of this.hooks) await h.onJoin?.({ room: this, peer });
		} catch (err) {
			done(err);
			return;
		}
		const budget = this.limits.syncAnswerBudget ?? DEFAULT_SYNC_ANSWER_BUDGET;
		this.#peers.set(peer, {
			awarenessIds: new Set(),
			wanted: null,
			retry: null,
			answerBudget: budget.burstBytes,
			answerBudgetAt: performance.now()
		});
		after.push(() => {
			if (!this.#peers.has(peer)) return;
			// Ask the client for what it has that we lack, and send presence of everyone else.
			if (!this.#send(peer, syncFrame(SyncType.step1, this.#stateVector()))) return;
			const others = [...this.awareness.getStates().keys()];
			if (others.length > 0 && !this.#send(peer, presenceFrame(this.awareness, others))) return;
			done();
		});
	}

	/**
	 * Runs `saved` once everything written so far is on disk. If that fails, what others were shown
	 * may be lost in a power cut: the room fails, and every peer reconnects and resyncs.
	 */
	#whenOnDisk(saved: OnSaved[]): void {
		this.#onDisk.then(
			() => {
				for (const fn of saved) fn();
			},
			(err: unknown) => {
				for (const fn of saved) fn(err);
				this.#fail(err, 'sync');
			}
		);
	}

	#applyChange(item: Extract<Inbound, { kind: 'change' }>, saved: OnSaved[]): void {
		try {
			this.doc.transact(() => item.fn(this.doc), item.by ? new ServerChangeFor(item.by) : SERVER_ORIGIN);
			saved.push((err) => item.done(err));
		} catch (err) {
			item.done(err);
		}
	}

	#applyFrame(
		peer: Peer,
		frame: Uint8Array,
		ack: Ack | undefined,
		after: Array<() => void>,
		saved: OnSaved[]
	): void {
		if (!this.#peers.has(peer)) {
			ack?.({ ok: false, close: Close.RoomNotFound, message: 'not joined to this room' });
			return;
		}
		try {
			if (frame.byteLength > this.limits.maxMessageBytes) {
				throw refuseAndClose(
					Close.MessageTooLarge,
					`frame of ${frame.byteLength} bytes exceeds the limit of ${this.limits.maxMessageBytes}`
				);
			}
			const f = decodeFrame(frame);
			switch (f.kind) {
				case 'sync-step1': {
					const sv = f.stateVector;
					// Validate now (a bad vector must close this peer, not throw later).
					let svClients: number;
					try {
						svClients = Y.decodeStateVector(sv).size;
					} catch (err) {
						throw refuseAndClose(Close.MalformedMessage, `malformed state vector: ${String(err)}`);
					}
					// Regression (security review): every request was answered with the whole document
					// however much the connection had not yet taken; one that stopped reading grew the
					// server by hundreds of MB. See #answerSyncRequest.
					const request = { stateVector: sv, clients: svClients };
					after.push(() => this.#answerSyncRequest(peer, request));
					break;
				}
				case 'sync-step2':
				case 'sync-update':
					this.#applyUpdate(peer, f.update);
					break;
				case 'awareness':
					this.#applyAwareness(peer, f.update);
					break;
				case 'query-awareness': {
					after.push(() => {
						const ids = [...this.awareness.getStates().keys()];
						if (ids.length > 0 && this.#peers.has(peer)) this.#send(peer, presenceFrame(this.awareness, ids));
					});
					break;
				}
				default:
					exhaustive(f);
			}
			if (ack) {
				saved.push((err) =>
					ack(
						err === undefined
							? { ok: true }
							: { ok: false, close: Close.StorageFailed, message: 'the change could not be saved to disk' }
					)
				);
			}
		} catch (err) {
			if (this.#state === 'failed') {
				// Decoding the stored state failed (#materialize): every peer was closed already.
				ack?.({ ok: false, close: Close.StorageFailed, message: 'the room could not be loaded' });
				return;
			}
			const r =
				err instanceof Refusal
					? err
					: refuseAndClose(Close.UpdateFailed, `update failed to apply: ${String(err)}`);
			this.log.warn(
				{
					room: this.name,
					conn: peer.id,
					user: peer.identity?.userId,
					reason: r.close.reason,
					bytes: frame.byteLength
				},
				r.message
			);
			ack?.({ ok: false, close: r.close, message: r.message });
			if (r.closes) {
				this.leave(peer);
				peer.close(r.close, r.message);
			} else {
				peer.refuse(r.close, r.message);
			}
		}
	}

	/**
	 * Answers a peer's sync request after a commit (the document then holds exactly what is
	 * written). A connection gets one answer at a time: while less than it was sent is still
	 * queued, or its answer budget is spent, the request waits, a newer one replaces it, and it is
	 * looked at again shortly through the inbox. Called with no request for that second look.
	 */
	#answerSyncRequest(peer: Peer, request: PeerState['wanted'] = null): void {
		const st = this.#peers.get(peer);
		if (!st) return;
		if (request) st.wanted = request;
		// A document that must be reloaded may hold a half-applied update: never send it.
		if (st.wanted === null || this.#mustReload) return;
		const { burstBytes, bytesPerSecond } = this.limits.syncAnswerBudget ?? DEFAULT_SYNC_ANSWER_BUDGET;
		const now = performance.now();
		st.answerBudget = Math.min(
			burstBytes,
			st.answerBudget + ((now - st.answerBudgetAt) / 1000) * bytesPerSecond
		);
		st.answerBudgetAt = now;
		if ((peer.queuedBytes?.() ?? 0) >= ANSWER_WHEN_QUEUED_BELOW || st.answerBudget < 0) {
			const wait = Math.max(ANSWER_RETRY_MS, (-st.answerBudget / bytesPerSecond) * 1000);
			st.retry ??= setTimeout(() => {
				st.retry = null;
				if (this.#peers.has(peer)) this.#enqueue({ kind: 'answer', peer });
			}, wait);
			return;
		}
		const { stateVector, clients } = st.wanted;
		st.wanted = null;
		let answer: Uint8Array;
		try {
			answer = this.#syncAnswer(stateVector, clients);
		} catch (err) {
			// Only a stored state that does not decode gets here (the room has failed).
			this.log.error({ room: this.name, conn: peer.id, err }, 'sync answer failed');
			return;
		}
		st.answerBudget -= answer.byteLength + ANSWER_OVERHEAD_BYTES;
		this.#send(peer, answer);
	}

	#applyUpdate(peer: Peer, update: Uint8Array): void {
		// Decoding and checking the whole update first means a malformed one fails here, before it
		// can half-apply to the document. The decoded form is shared with the hooks (the guard), so
		// an update is decoded once here and once more by Yjs when it applies it.
		const decoded = checkUpdateShape(update);
		// An empty update (a new client's sync step 2) changes nothing: nothing to check or store.
		if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return;
		// Refused before any of it applies: Yjs would apply what it can and park the rest.
		const store = this.doc.store;
		const missing = missingDependency(decoded, (client) => Y.getState(store, client));
		if (missing !== null) throw refuse(Close.MissingDependencies, missing);
		if (this.hooks.length > 0) {
			const payload = { room: this, peer, update, decoded };
			this.#checks = this.hooks.map((h) => h.checkUpdate?.(payload));
		}
		const batched = this.#batch.length;
		try {
			Y.applyUpdate(this.doc, update, peer);
		} catch (err) {
			// Regression (fuzz test): Yjs cannot roll a transaction back, so an update that throws
			// half-way may already have changed the document and queued an update. Persist and
			// broadcast none of it, and reload the room from storage once this drain is done.
			this.#batch.length = batched;
			this.#mustReload = true;
			throw refuseAndClose(Close.UpdateFailed, `update failed to apply: ${String(err)}`);
		} finally {
			this.#checks = [];
		}
		if (store.pendingStructs !== null || store.pendingDs !== null) {
			// Parked by Yjs although the check above passed (only a malformed update can, such as
			// items of two clients that refer to each other). Drop the parked parts; if anything else
			// of the update applied, persist and show none of it and reload the room, as above.
			store.pendingStructs = null;
			store.pendingDs = null;
			const applied = this.#batch.length > batched;
			this.#batch.length = batched;
			if (applied) {
				this.#mustReload = true;
				throw refuseAndClose(
					Close.UpdateFailed,
					'update applied only in part: its other parts depend on each other'
				);
			}
			throw refuse(Close.MissingDependencies, 'update depends on changes the server does not have');
		}
	}

	/**
	 * A connection publishes presence under one awareness client id: the first it sends that no
	 * other connection owns. Entries for any other id are dropped, never applied: stock
	 * y-websocket clients send back every presence change they receive (other people's states,
	 * and their removal when they leave), and such an echo must neither close the connection nor
	 * let it speak for someone else.
	 */
	#applyAwareness(peer: Peer, update: Uint8Array): void {
		const entries = decodeAwareness(update);
		const st = this.#peers.get(peer)!;
		for (const e of entries) {
			if (e.bytes > this.limits.maxAwarenessStateBytes) {
				throw refuseAndClose(
					Close.MessageTooLarge,
					`awareness state of ${e.bytes} bytes exceeds ${this.limits.maxAwarenessStateBytes}`
				);
			}
		}
		const who = peer.identity?.userId ?? peer.id;
		const own = entries.filter((e) => {
			const owner = this.#awarenessOwner.get(e.clientId);
			if (owner === peer) return true;
			// Another user's id, whether that user is here or not.
			const user = this.#awarenessUser.get(e.clientId);
			if (user !== undefined && user !== who) return false;
			// This peer's own id if it has none yet and is announcing itself; an id of the same user
			// still held by a connection of theirs the server has not yet seen go moves to this one.
			if (st.awarenessIds.size > 0 || e.state === null) return false;
			if (owner) this.#peers.get(owner)?.awarenessIds.delete(e.clientId);
			this.#awarenessOwner.set(e.clientId, peer);
			this.#awarenessUser.set(e.clientId, who);
			st.awarenessIds.add(e.clientId);
			return true;
		});
		if (own.length === 0) return;
		for (const h of this.hooks) h.onAwareness?.({ room: this, peer, entries: own });
		awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwareness(own), peer);
	}

	#relayAwareness = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		const changed = [...added, ...updated, ...removed];
		if (changed.length === 0 || this.#peers.size === 0) return;
		const frame = presenceFrame(this.awareness, changed);
		for (const peer of this.#peers.keys()) if (peer !== origin) this.#send(peer, frame);
	};

	async #snapshot(): Promise<void> {
		const seq = this.#lastSeq;
		if (seq === this.#snapshotSeq) return;
		const stored = this.#stored;
		try {
			// Not yet decoded: the stored parts merged are the same state, without decoding it.
			if (stored) {
				const whole = wholeOf(stored);
				// Its vector, if unknown, is worked out here (off anyone's path) so the next load has it.
				stored.stateVector ??= Y.encodeStateVectorFromUpdate(whole);
				await this.store.writeSnapshot(this.name, seq, whole, stored.stateVector);
			} else {
				await this.store.writeSnapshot(
					this.name,
					seq,
					Y.encodeStateAsUpdate(this.#doc),
					Y.encodeStateVector(this.#doc)
				);
			}
			this.#snapshotSeq = seq;
		} catch (err) {
			// The log still holds everything; a missing snapshot only makes the next load slower.
			this.log.error({ room: this.name, err }, 'snapshot failed');
		}
	}

	/**
	 * Drops a document that may hold changes that are not durable, and closes every peer with
	 * RoomReset so that clients reconnect; the registry reloads the room from storage on the next
	 * join. What was committed before stays committed (and acknowledged).
	 */
	#reset(): void {
		this.#state = 'closed';
		this.log.warn({ room: this.name, seq: this.#lastSeq }, 'room reset: reloading from storage');
		const message = 'the room is being reloaded from storage; reconnect to resync';
		for (const item of this.#inbox) {
			if (item.kind === 'frame') item.ack?.({ ok: false, close: Close.RoomReset, message });
			else if (item.kind !== 'answer') item.done(new Error(message));
		}
		this.#inbox = [];
		this.#batch = [];
		for (const peer of [...this.#peers.keys()]) {
			this.leave(peer);
			peer.close(Close.RoomReset, message);
		}
		this.#destroy();
	}

	#fail(err: unknown, during: string): void {
		if (this.#state === 'failed' || this.#state === 'closed') return;
		this.#state = 'failed';
		this.log.error({ room: this.name, err, during }, 'room failed; closing its connections');
		for (const item of this.#inbox) {
			if (item.kind === 'frame')
				item.ack?.({ ok: false, close: Close.StorageFailed, message: 'storage failed' });
			else if (item.kind !== 'answer') item.done(err);
		}
		this.#inbox = [];
		for (const peer of [...this.#peers.keys()]) {
			this.leave(peer);
			peer.close(Close.StorageFailed, `the room could not be saved (${during}); reconnect to resync`);
		}
		this.#destroy();
	}

	/**
	 * Flushes, snapshots and releases the room. Peers still present are closed with `reason`.
	 * Used for idle unload and shutdown.
	 */
	async close(reason: CloseReason = Close.ShuttingDown, message = 'room closed'): Promise<void> {
		if (this.#state === 'closed' || this.#state === 'failed' || this.#closing) return;
		// Regression (shutdown test): peers used to be closed first, so frames already in the inbox
		// were dropped as "not joined". Now new frames are refused, and everything received is
		// applied, committed and acknowledged before the peers are told to go.
		this.#closing = { reason, message };
		await this.loaded.catch(() => undefined);
		while (this.#draining || this.#drainScheduled) {
			await (this.#draining ?? new Promise((r) => setImmediate(r)));
		}
		// Senders hear "saved" before they are told to go.
		await this.#onDisk.catch(() => undefined);
		// Failed meanwhile (the sync failed): everyone was closed then.
		if ((this.#state as RoomState) === 'failed') return;
		for (const peer of [...this.#peers.keys()]) {
			this.leave(peer);
			peer.close(reason, message);
		}
		if (this.#state === 'ready') await this.#snapshot();
		this.#state = 'closed';
		this.#destroy();
	}

	#destroy(): void {
		this.awareness.off('update', this.#relayAwareness);
		this.awareness.destroy();
		this.#stored = null;
		this.#materialized = true;
		this.#doc.destroy();
	}
}

/** The state vector of a snapshot (its stored vector) followed by the log after it. */
function stateVectorOf(snapshotStateVector: Uint8Array, updates: readonly StoredUpdate[]): Uint8Array {
	const sv = Y.decodeStateVector(snapshotStateVector);
	// Each log update extends its clients' clocks.
	for (const u of updates) {
		for (const [client, clock] of Y.parseUpdateMeta(u.update).to) {
			if ((sv.get(client) ?? 0) < clock) sv.set(client, clock);
		}
	}
	return Y.encodeStateVector(sv);
}

/** The stored parts as one update, merged once. */
function wholeOf(stored: StoredState): Uint8Array {
	return (stored.whole ??= stored.parts.length === 1 ? stored.parts[0]! : Y.mergeUpdates(stored.parts));
}

function isPeer(origin: unknown): origin is Peer {
	return typeof origin === 'object' && origin !== null && 'send' in origin && 'id' in origin;
}

function presenceFrame(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
	return awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
}

function encodeAwareness(entries: AwarenessEntry[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, entries.length);
	for (const x of entries) {
		encoding.writeVarUint(e, x.clientId);
		encoding.writeVarUint(e, x.clock);
		encoding.writeVarString(e, JSON.stringify(x.state));
	}
	return encoding.toUint8Array(e);
}

function exhaustive(x: never): never {
	throw new Error(`unexpected frame ${JSON.stringify(x)}`);
}
