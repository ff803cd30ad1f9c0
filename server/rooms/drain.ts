/**
 * One drain of a room's inbox: the updates its changes produced (committed together), the peers
 * it admits, what waits for the commit (sync answers, a joiner's first sync, presence answers),
 * and who waits to hear that the changes are on disk. The room makes one per turn of its pipeline.
 */
import type * as Y from 'yjs';
import { Close, type RefusedChange } from '#domain/protocol';
import type { AppendEntry, DocStore } from '../store/doc-store.ts';
import { ACCEPTED, refused, type Ack } from './frame-result.ts';
import type { CommittedEntry, HookResults } from './hook-runner.ts';
import type { CommittedOrigin, PeerOrigin, RelayOrigin, ServerOrigin } from './origin.ts';
import type { Peer } from './peer.ts';

/** Settles a join, a server-made change or a relayed one: with nothing, or with why it failed. */
export type Settle = (err?: unknown) => void;

export type FrameItem = {
	kind: 'frame';
	peer: Peer;
	frame: Uint8Array;
	ack: Ack | undefined;
	/** When the author's device says the frame's update was made (FrameMeta), if it said. */
	deviceAt?: number | null;
};
export type JoinItem = { kind: 'join'; peer: Peer; done: Settle };
export type ChangeItem = { kind: 'change'; fn: (doc: Y.Doc) => void; origin: ServerOrigin; done: Settle };
export type RelayItem = { kind: 'relay'; update: Uint8Array; origin: RelayOrigin; done: Settle };

/** What a room is handed, in the order it arrives. */
export type Inbound =
	| FrameItem
	| JoinItem
	/** Look again at a peer's deferred sync request (sync-answer-pacer.ts). */
	| { kind: 'answer'; peer: Peer }
	| ChangeItem
	| RelayItem;

/** An update a change produced, waiting to be committed. */
export interface PendingUpdate {
	readonly update: Uint8Array;
	readonly origin: CommittedOrigin;
	readonly hookResults: HookResults;
	/** Changes of this (peer's) update the server undid: recorded with its log entry. */
	readonly refusals?: readonly RefusedChange[];
	/** This server-made update undoes those changes of the update just before it. */
	readonly compensates?: boolean;
}

const NOT_SAVED = refused(Close.StorageFailed, 'the change could not be saved to disk');

/**
 * Who waits to hear that a drain's changes are on disk: frame senders (their acks) and
 * server-made changes. Kept apart from the drain so that waiting for the disk holds only these.
 */
export class Acknowledgements {
	readonly #acks: Array<{ ack: Ack | undefined; peer: Peer; refused: readonly RefusedChange[] | null }> = [];
	readonly #changes: Settle[] = [];

	get empty(): boolean {
		return this.#acks.length === 0 && this.#changes.length === 0;
	}

	/**
	 * A frame accepted, with the changes of it the server undid (null: none). Its sender hears of
	 * them in its ack, or, without one (y-websocket), through Peer.refusedChanges.
	 */
	frame(ack: Ack | undefined, peer: Peer, refused: readonly RefusedChange[] | null = null): void {
		if (ack || refused) this.#acks.push({ ack, peer, refused });
	}

	change(done: Settle): void {
		this.#changes.push(done);
	}

	/** Everything written is on disk (`err` undefined), or could not be made so. */
	settle(err?: unknown): void {
		const result = err === undefined ? ACCEPTED : NOT_SAVED;
		for (const { ack, peer, refused } of this.#acks) {
			if (refused === null || err !== undefined) ack?.(result);
			else if (ack) ack({ ok: true, refused });
			else peer.refusedChanges?.(refused);
		}
		for (const done of this.#changes) done(err);
	}
}

export class Drain {
	/** Updates produced, in order (any made between drains first). */
	readonly updates: PendingUpdate[];
	/** Peers to admit once the drain's changes are applied, before the commit (a refused join never sees state). */
	readonly joins: JoinItem[] = [];
	readonly acknowledgements = new Acknowledgements();
	readonly #afterCommit: Array<() => void> = [];

	constructor(strays: PendingUpdate[]) {
		this.updates = strays;
	}

	/** Runs `fn` once the updates are committed and broadcast: the document then holds exactly what is written. */
	afterCommit(fn: () => void): void {
		this.#afterCommit.push(fn);
	}

	/**
	 * Writes the updates made here to the store in one call (a relayed one was written where it
	 * was committed) and returns them all as committed, in order, with when the written ones are
	 * on disk (null if none was written) and the highest sequence number among them.
	 */
	async write(store: DocStore, room: string): Promise<Commit> {
		const pending = this.updates;
		if (pending.length === 0) return NOTHING_COMMITTED;
		const at = Date.now();
		const entries: AppendEntry[] = [];
		for (const p of pending) {
			if (p.origin.kind !== 'relay') entries.push(appendEntryOf(room, p, p.origin, at));
		}
		const { seqs, onDisk } = entries.length > 0 ? await store.write(entries) : { seqs: [], onDisk: null };
		const committed = new Array<CommittedEntry>(pending.length);
		let written = 0;
		let lastSeq = 0;
		for (let i = 0; i < pending.length; i++) {
			const p = pending[i]!;
			const seq = p.origin.kind === 'relay' ? p.origin.seq : seqs[written++]!;
			committed[i] = committedEntryOf(room, p, seq, at);
			if (seq > lastSeq) lastSeq = seq;
		}
		return { committed, onDisk, lastSeq };
	}

	/** The updates are committed and broadcast. */
	committed(): void {
		for (const fn of this.#afterCommit) fn();
	}

	/**
	 * The commit failed and the room with it: the peers admitted here never get their first sync,
	 * so their joins settle with `refusal` (a join already settled stays as it was).
	 */
	refuseJoins(refusal: Error): void {
		for (const j of this.joins) j.done(refusal);
	}
}

/** What a drain's write committed. */
export interface Commit {
	committed: readonly CommittedEntry[];
	onDisk: Promise<void> | null;
	lastSeq: number;
}

const NOTHING_COMMITTED: Commit = { committed: [], onDisk: null, lastSeq: 0 };

/** The log entry of an update made here. */
function appendEntryOf(
	room: string,
	{ update, refusals }: PendingUpdate,
	origin: PeerOrigin | ServerOrigin,
	at: number
): AppendEntry {
	const author = authorOf(origin);
	const entry: AppendEntry = {
		room,
		update,
		at,
		userId: author?.userId ?? null,
		orgId: author?.orgId ?? null,
		connectionId: origin.kind === 'peer' ? origin.peer.id : null
	};
	return refusals && refusals.length > 0 ? { ...entry, refusals } : entry;
}

/** An update as committed: written here under `seq`, or relayed (`seq` is the relay's). */
function committedEntryOf(room: string, pending: PendingUpdate, seq: number, at: number): CommittedEntry {
	const { update, origin, hookResults } = pending;
	const author = authorOf(origin);
	const compensates = pending.compensates === true;
	return {
		compensates,
		room,
		update,
		at,
		userId: author?.userId ?? null,
		orgId: author?.orgId ?? null,
		connectionId: origin.kind === 'peer' ? origin.peer.id : null,
		seq,
		size: update.byteLength,
		origin,
		hookResults
	};
}

/** Who an update is logged under here: a peer's user, the user a server-made change is for, or nobody. */
function authorOf(origin: CommittedOrigin): { userId: string; orgId: string } | null {
	switch (origin.kind) {
		case 'peer':
			return origin.peer.identity;
		case 'server':
			return origin.actingFor;
		case 'relay':
			// Logged under its author on the node that committed it.
			return null;
		default:
			return exhaustive(origin);
	}
}

function exhaustive(x: never): never {
	throw new Error(`unexpected origin ${JSON.stringify(x)}`);
}
