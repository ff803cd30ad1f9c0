/**
 * A room: one Yjs document, its peers, and the pipeline that writes every change to the store
 * before anyone sees it.
 *
 * Pipeline. Whatever the room is handed (a peer's frame, a join, a server-made change, a change
 * relayed from another node) goes to its inbox. A drain (drain.ts) takes everything queued and
 * applies it in order: a frame through frame-handler.ts, an update checked whole
 * (dependencies.ts) and by the hooks before Yjs applies it. It then writes the updates produced
 * to the store in one call (group commit). Once the store has written them (they survive the
 * server process being killed) the onCommitted hooks run, then the drain broadcasts the updates
 * and answers sync requests; once they are on disk (they survive a power cut too; the store
 * fsyncs at most once per sync interval) it acknowledges their senders ("saved").
 * While a write is in flight nothing new is applied, so whenever the drain answers a sync
 * request the document holds exactly what is written: no one can ever see an unsaved change.
 *
 * The durable state and cold loading are stored-state.ts's, presence is awareness-relay.ts's.
 */
import * as Y from 'yjs';
import * as random from 'lib0/random';
import { Close, SyncType, syncFrame, type CloseReason } from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { DocStore } from '../store/doc-store.ts';
import { AwarenessRelay } from './awareness-relay.ts';
import { ChangeApplier } from './change-applier.ts';
import { Delivery } from './delivery.ts';
import {
	Drain,
	type ChangeItem,
	type Acknowledgements,
	type Inbound,
	type PendingUpdate,
	type Settle,
	type Commit
} from './drain.ts';
import type { Forwarder } from './forwarding.ts';
import { FrameHandler } from './frame-handler.ts';
import { refused, type Ack, type FrameResult } from './frame-result.ts';
import { HookRunner, type CommittedEntry } from './hook-runner.ts';
import type { RoomHooks } from './hooks.ts';
import { Member } from './member.ts';
import { refuseAndClose } from './refusal.ts';
import { relayOrigin, serverOrigin, type ActingFor, type CommittedOrigin } from './origin.ts';
import type { Peer } from './peer.ts';
import { StoredState } from './stored-state.ts';
import { DEFAULT_SYNC_ANSWER_BUDGET, type SyncAnswerBudget } from './sync-answer-pacer.ts';

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
	/** Bytes of sync answers a connection may be sent (sync-answer-pacer.ts). Default 32 MiB, 2 MiB/s. */
	syncAnswerBudget?: SyncAnswerBudget;
}

/** What a room tells, and is told by, the other nodes holding it (several nodes). */
export interface RoomLinks {
	/** A change of the presence of this node's peers (an awareness update), for the other nodes. */
	presence?(room: string, update: Uint8Array): void;
}

const DEFAULT_MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const JOIN_NOT_SAVED = 'the room could not be saved while joining it; reconnect to resync';
const JOIN_TOO_SLOW = 'the connection was closed as too slow while joining the room';

export type RoomState = 'loading' | 'ready' | 'failed' | 'closed';

export class Room {
	/**
	 * gc off: history is kept for replay, and the permission guard must resolve the deleted items
	 * a client's update refers to (garbage collection would strip their parents).
	 */
	readonly #doc = new Y.Doc({ gc: false });
	readonly #hooks: HookRunner;
	readonly #stored = new StoredState();
	readonly #presence: AwarenessRelay;
	readonly #frames: FrameHandler;
	readonly #changes: ChangeApplier;
	readonly #delivery: Delivery;
	/** Reads `doc` (decoding it first if needed), for parts that need the whole document now. */
	readonly #readDoc = (): Y.Doc => this.doc;
	#state: RoomState = 'loading';
	readonly #peers = new Map<Peer, Member>();
	#inbox: Inbound[] = [];
	#drainScheduled = false;
	#draining: Promise<void> | null = null;
	/** Updates made outside a drain (nothing should; they must not be lost): the next drain commits them. */
	#strays: PendingUpdate[] = [];
	/** When everything this room has written so far is on disk (the latest write's onDisk). */
	#onDisk: Promise<void> = Promise.resolve();
	/** The document may differ from what is durable (an update failed half-way): reload it. */
	#mustReload = false;
	/** Set once close() began: new frames are refused while what was received is committed. */
	#closing: FrameResult | null = null;
	/** Set once the stored state was decoded into the document and onLoaded ran. */
	#materialized = false;
	readonly loaded: Promise<void>;
	/** The owner node this room's changes go to (several nodes); null while this node commits them. */
	#forwarder: Forwarder | null = null;
	/** Server-made changes forwarded to the owner, one at a time (each made on the state the last left). */
	#forwardedChanges: Promise<void> = Promise.resolve();
	/**
	 * The Yjs client id of this room's forwarded server-made changes: its own, not the document's
	 * (Yjs gives a document a new id when changes under its id arrive from elsewhere).
	 */
	#forwardClientId = random.uint32();
	/** Set when the room has no peers; the registry unloads it after the idle time. */
	idleSince: number | null = Date.now();

	constructor(
		readonly name: string,
		private readonly store: DocStore,
		hooks: readonly RoomHooks[],
		private readonly limits: RoomLimits,
		private readonly log: Logger,
		links: RoomLinks = {}
	) {
		this.#hooks = new HookRunner(hooks, this, log);
		this.#changes = new ChangeApplier({
			name,
			doc: this.#doc,
			materialized: this.#readDoc,
			hooks: this.#hooks,
			mustReload: () => (this.#mustReload = true),
			stray: (update, origin) => this.#stray(update, origin),
			log
		});
		this.#delivery = new Delivery({
			name,
			peers: this.#peers,
			leave: (peer) => this.leave(peer),
			maxQueuedBytes: limits.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
			stored: this.#stored,
			materialized: this.#readDoc,
			mustReload: () => this.#mustReload,
			log
		});
		const send = (peer: Peer, frame: Uint8Array): boolean => this.#delivery.send(peer, frame);
		this.#presence = new AwarenessRelay(this.#doc, {
			peers: this.#peers,
			send,
			hooks: this.#hooks,
			maxStateBytes: limits.maxAwarenessStateBytes,
			...(links.presence ? { published: (u: Uint8Array) => links.presence!(name, u) } : {})
		});
		this.#frames = new FrameHandler(
			{
				name,
				maxMessageBytes: limits.maxMessageBytes,
				failed: () => this.#state === 'failed',
				applyUpdate: (member, update, drain, deviceAt) =>
					this.#changes.peerUpdate(member, update, drain, deviceAt),
				forwarder: () => this.#forwarder,
				applyAwareness: (member, update) => this.#presence.apply(member.peer, update),
				answerSyncRequest: (member, request) => this.#delivery.answerSyncRequest(member, request),
				sendPresence: (member) => {
					const everyone = this.#presence.everyone();
					if (everyone !== null && this.#peers.get(member.peer) === member) send(member.peer, everyone);
				},
				leave: (peer) => this.leave(peer)
			},
			log
		);
		this.loaded = this.#load();
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
		return this.#stored.lastSeq;
	}

	/**
	 * Hands this room's changes to the owner on another node (several nodes), or, with null, takes
	 * them again (this node became the owner, and the room holds everything the owner committed).
	 */
	forwardTo(forwarder: Forwarder | null): void {
		this.#forwarder = forwarder;
	}

	/** Whether this room commits its own changes (false: another node owns it). */
	get writable(): boolean {
		return this.#forwarder === null;
	}

	/**
	 * Drops the document and closes every peer with RoomReset, so that clients reconnect and the
	 * room is loaded again (this node lost the room's lease: it reloads as a replica).
	 */
	reload(): void {
		if (this.#state !== 'ready' && this.#state !== 'loading') return;
		this.#reset();
	}

	/** Whether frames or changes are waiting or being applied (the registry never unloads then). */
	get busy(): boolean {
		return this.#inbox.length > 0 || this.#drainScheduled || this.#draining !== null;
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

	/**
	 * Hands one frame from a peer to the room. `ack` fires once its effects are durable.
	 * `deviceAt`: when the author's device says the frame's update was made (FrameMeta), if it said.
	 */
	receive(peer: Peer, frame: Uint8Array, ack?: Ack, deviceAt: number | null = null): void {
		if (this.#state === 'failed' || this.#state === 'closed') {
			ack?.(refused(Close.StorageFailed, `room is ${this.#state}`));
			return;
		}
		if (this.#closing) {
			ack?.(this.#closing);
			return;
		}
		this.#enqueue({ kind: 'frame', peer, frame, ack, deviceAt });
	}

	/**
	 * Makes a server-side change through the same durable pipeline as any client's. `by` is the
	 * user it is done for (recorded in the log); omitted for the server's own changes.
	 */
	change(fn: (doc: Y.Doc) => void, by?: ActingFor): Promise<void> {
		const origin = serverOrigin(by ?? null);
		return this.#accepting((done) => {
			// A server-made change is activity: a room being seeded must not unload as idle meanwhile.
			this.#touch();
			this.#enqueue({
				kind: 'change',
				fn,
				origin,
				done: (err) => {
					this.#touch();
					done(err);
				}
			});
		});
	}

	/**
	 * Feeds in a change already committed on another node (`from`: that node and the sequence
	 * number it got there). It is applied and broadcast to this room's peers, and the onCommitted
	 * hooks see it (origin `relay`), but it is neither judged, written to this node's store nor
	 * attributed again. Resolves once it is broadcast; rejects with a Refusal, having applied
	 * nothing, when it does not apply whole here (it depends on changes this room lacks: the
	 * relay must resync the room).
	 */
	applyRelayed(update: Uint8Array, from: { node: string; seq: number }): Promise<void> {
		const origin = relayOrigin(from);
		return this.#accepting((done) => this.#enqueue({ kind: 'relay', update, origin, done }));
	}

	/** The presence of this node's own peers (an awareness update), or null: for another node. */
	localPresence(): Uint8Array | null {
		return this.#presence.local();
	}

	/** Presence relayed from another node holding this room (stamped there; never persisted). */
	applyRemotePresence(update: Uint8Array): void {
		if (this.#state !== 'ready') return;
		try {
			this.#presence.applyRemote(update);
		} catch (err) {
			this.log.warn({ room: this.name, err }, 'presence from another node dropped');
		}
	}

	/** Removes a peer (it disconnected or was closed) and its presence. */
	leave(peer: Peer): void {
		const member = this.#peers.get(peer);
		if (!member) return;
		this.#peers.delete(peer);
		this.#forwarder?.left(peer);
		member.answers.stop();
		this.#presence.leave(peer);
		this.#hooks.leave(peer);
		if (this.#peers.size === 0) this.idleSince = Date.now();
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
		this.#closing = refused(reason, message);
		await this.loaded.catch(() => undefined);
		while (this.#draining || this.#drainScheduled) {
			await (this.#draining ?? new Promise((r) => setImmediate(r)));
		}
		// Senders hear "saved" before they are told to go.
		await this.#onDisk.catch(() => undefined);
		// Failed meanwhile (the sync failed): everyone was closed then.
		if ((this.#state as RoomState) === 'failed') return;
		this.#closeAll(reason, message);
		if (this.#state === 'ready' && this.#forwarder === null) await this.#snapshot();
		this.#state = 'closed';
		this.#destroy();
	}

	async #load(): Promise<void> {
		const t0 = performance.now();
		const { logged, bytes } = await this.#stored.load(this.store, this.name);
		this.#state = 'ready';
		// Nothing stored: nothing to decode, and the hooks hear of the (empty) document at once.
		if (!this.#stored.cold) this.#materialize();
		const ms = Math.round(performance.now() - t0);
		this.log.info({ room: this.name, seq: this.#stored.lastSeq, logged, bytes, ms }, 'room loaded');
		if (logged >= this.limits.snapshotEvery && this.#forwarder === null) await this.#snapshot();
	}

	/**
	 * Decodes the stored state into the document, once, and tells the hooks the room is loaded.
	 * Synchronous, so that any reader of `doc` gets the whole document.
	 */
	#materialize(): void {
		// While loading, the document is empty and nobody has been answered: nothing to decode yet.
		if (this.#materialized || this.#state === 'loading') return;
		this.#materialized = true;
		const t0 = performance.now();
		let decoded: boolean;
		try {
			decoded = this.#stored.materialise(this.#doc);
			this.#hooks.loaded();
		} catch (err) {
			// What is stored does not decode, or a hook could not prepare it: the room cannot serve
			// anyone until it is repaired.
			this.#fail(err, 'load');
			throw err;
		}
		if (decoded)
			this.log.info({ room: this.name, ms: Math.round(performance.now() - t0) }, 'room document decoded');
	}

	/** Runs `enqueue` with a settle for the promise returned, unless the room takes no more work. */
	#accepting(enqueue: (done: Settle) => void): Promise<void> {
		if (this.#state === 'failed' || this.#state === 'closed' || this.#closing) {
			return Promise.reject(new Error(`room ${this.name} is ${this.#closing ? 'closing' : this.#state}`));
		}
		return new Promise((resolve, reject) => enqueue((err) => (err ? reject(err) : resolve())));
	}

	/** Restarts the idle time of a room without peers. */
	#touch(): void {
		if (this.#peers.size === 0) this.idleSince = Date.now();
	}

	#stray(update: Uint8Array, origin: CommittedOrigin): void {
		this.#strays.push({ update, origin, hookResults: null });
		this.#scheduleDrain();
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
				if (this.#inbox.length > 0 || this.#strays.length > 0) this.#scheduleDrain();
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
		while (this.#state === 'ready' && (this.#inbox.length > 0 || this.#strays.length > 0)) {
			const drain = new Drain(this.#strays);
			this.#strays = [];
			const items = this.#inbox;
			this.#inbox = [];
			for (const item of items) this.#take(item, drain);
			// Joins run their (possibly async) hooks before committing, so that a refused join
			// never sees state; their initial sync is sent after the commit like any reply.
			for (const j of drain.joins) await this.#admit(j.peer, j.done, drain);
			const committed = await this.#commit(drain);
			if (committed === null) {
				// The room failed and closed its peers, those admitted in this drain too: a join that
				// waited for its first sync hears why, instead of never (an owner's stand-in for a
				// client of another node waited on it for good).
				drain.refuseJoins(refuseAndClose(Close.StorageFailed, JOIN_NOT_SAVED));
				return;
			}
			if (committed.length > 0) await this.#hooks.committed(committed);
			this.#delivery.broadcast(committed);
			drain.committed();
			if (!drain.acknowledgements.empty) this.#acknowledgeOnDisk(drain.acknowledgements);
			if (this.#mustReload) {
				this.#reset();
				return;
			}
			// Only the owner snapshots (the log it writes); a replica holds the same state.
			if (this.#stored.sinceSnapshot >= this.limits.snapshotEvery && this.#forwarder === null)
				await this.#snapshot();
		}
	}

	#take(item: Inbound, drain: Drain): void {
		switch (item.kind) {
			case 'frame':
				this.#frames.handle(item, this.#peers.get(item.peer), drain);
				break;
			case 'join':
				drain.joins.push(item);
				break;
			case 'answer': {
				const member = this.#peers.get(item.peer);
				if (member) drain.afterCommit(() => this.#delivery.answerSyncRequest(member));
				break;
			}
			case 'change':
				if (this.#forwarder) this.#forwardChange(item, this.#forwarder);
				else this.#changes.serverChange(item, drain);
				break;
			case 'relay':
				this.#changes.relayed(item, drain);
				break;
			default:
				exhaustive(item);
		}
	}

	/**
	 * A server-made change on a room another node owns: made on a copy of the document under this
	 * room's own client id, and the update it produced committed by the owner (for the same user).
	 * One at a time, each on the state the one before left, so two never reuse a clock.
	 */
	#forwardChange({ fn, origin, done }: ChangeItem, forwarder: Forwarder): void {
		this.#forwardedChanges = this.#forwardedChanges
			.then(async () => {
				const copy = new Y.Doc({ gc: false });
				try {
					Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
					copy.clientID = this.#forwardClientId;
					let made: Uint8Array | null = null;
					copy.on('update', (u: Uint8Array) => (made = made ? Y.mergeUpdates([made, u]) : u));
					copy.transact(() => fn(copy), origin);
					if (made !== null) await forwarder.change(made, origin.actingFor);
				} finally {
					copy.destroy();
				}
			})
			.then(
				() => done(),
				(err: unknown) => done(err)
			);
	}

	/** Commits the drain's updates (drain.ts) and returns them as committed; null if the room failed. */
	async #commit(drain: Drain): Promise<readonly CommittedEntry[] | null> {
		let written: Commit;
		try {
			written = await drain.write(this.store, this.name);
		} catch (err) {
			// Nothing of the drain is written: its senders are told so by name (storage-failed)
			// rather than never hearing back, and keep their changes for the next sync.
			drain.acknowledgements.settle(err);
			this.#fail(err, 'commit');
			return null;
		}
		if (written.onDisk) this.#onDisk = written.onDisk;
		if (written.committed.length > 0) this.#stored.committed(written.lastSeq);
		if (this.limits.visibleAfter === 'disk') {
			try {
				await this.#onDisk;
			} catch (err) {
				this.#fail(err, 'sync');
				return null;
			}
		}
		return written.committed;
	}

	/**
	 * Settles `acks` once everything written so far is on disk. If that fails, what others were
	 * shown may be lost in a power cut: the room fails, and every peer reconnects and resyncs.
	 */
	#acknowledgeOnDisk(acks: Acknowledgements): void {
		this.#onDisk.then(
			() => acks.settle(),
			(err: unknown) => {
				acks.settle(err);
				this.#fail(err, 'sync');
			}
		);
	}

	async #admit(peer: Peer, done: Settle, drain: Drain): Promise<void> {
		try {
			await this.#hooks.join(peer);
		} catch (err) {
			done(err);
			return;
		}
		const budget = this.limits.syncAnswerBudget ?? DEFAULT_SYNC_ANSWER_BUDGET;
		const member: Member = new Member(peer, budget, () => {
			if (this.#peers.get(peer) === member) this.#enqueue({ kind: 'answer', peer });
		});
		this.#peers.set(peer, member);
		drain.afterCommit(() => {
			if (this.#peers.get(peer) !== member) return;
			// Ask the client for what it has that we lack, and send presence of everyone else. A
			// connection closed as too slow meanwhile hears so in its join's answer too.
			const stateVector = this.#stored.stateVector(this.#readDoc);
			const everyone = this.#presence.everyone();
			const sent =
				this.#delivery.send(peer, syncFrame(SyncType.step1, stateVector)) &&
				(everyone === null || this.#delivery.send(peer, everyone));
			done(sent ? undefined : refuseAndClose(Close.SlowConnection, JOIN_TOO_SLOW));
		});
	}

	async #snapshot(): Promise<void> {
		await this.#stored.snapshot(this.store, this.name, this.#doc, this.log);
	}

	/**
	 * Drops a document that may hold changes that are not durable, and closes every peer with
	 * RoomReset so that clients reconnect; the registry reloads the room from storage on the next
	 * join. What was committed before stays committed (and acknowledged).
	 */
	#reset(): void {
		this.#state = 'closed';
		this.log.warn({ room: this.name, seq: this.#stored.lastSeq }, 'room reset: reloading from storage');
		const message = 'the room is being reloaded from storage; reconnect to resync';
		this.#settleInbox(refused(Close.RoomReset, message), new Error(message));
		this.#strays = [];
		this.#closeAll(Close.RoomReset, message);
		this.#destroy();
	}

	#fail(err: unknown, during: string): void {
		if (this.#state === 'failed' || this.#state === 'closed') return;
		this.#state = 'failed';
		this.log.error({ room: this.name, err, during }, 'room failed; closing its connections');
		this.#settleInbox(refused(Close.StorageFailed, 'storage failed'), err);
		this.#closeAll(Close.StorageFailed, `the room could not be saved (${during}); reconnect to resync`);
		this.#destroy();
	}

	/** Answers everything waiting in the inbox: frames with `result`, joins and changes with `err`. */
	#settleInbox(result: FrameResult, err: unknown): void {
		for (const item of this.#inbox) {
			if (item.kind === 'frame') item.ack?.(result);
			else if (item.kind !== 'answer') item.done(err);
		}
		this.#inbox = [];
	}

	#closeAll(reason: CloseReason, message: string): void {
		for (const peer of [...this.#peers.keys()]) {
			this.leave(peer);
			peer.close(reason, message);
		}
	}

	#destroy(): void {
		this.#presence.destroy();
		this.#stored.release();
		this.#materialized = true;
		this.#doc.destroy();
	}
}

function exhaustive(x: never): never {
	throw new Error(`unexpected inbound item ${JSON.stringify(x)}`);
}
