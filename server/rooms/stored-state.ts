/**
 * A room's durable state as the room holds it: how far its log goes, the stored bytes while they
 * are not yet decoded into the document, the answers about the whole state built from either, and
 * snapshots.
 *
 * Cold rooms. Loading reads the stored state (snapshot + log since) completely before anyone is
 * answered, but decoding it into the Y.Doc is deferred until something needs the document (an
 * update to apply, a hook or service reading it, a client that already holds some state). Until
 * then a new client is answered with the stored bytes as they are: the same state, without the
 * server decoding and re-encoding megabytes first.
 */
import * as Y from 'yjs';
import { SyncType, syncFrame } from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { DocStore, StoredUpdate } from '../store/doc-store.ts';
import { LOAD } from './origin.ts';

/** A client's sync request (step 1): its state vector and how many clients that vector names. */
export interface SyncRequest {
	stateVector: Uint8Array;
	clients: number;
}

/** The durable state of a room not yet decoded into its Y.Doc. */
interface ColdState {
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

export class StoredState {
	#lastSeq = 0;
	#snapshotSeq = 0;
	/** Set from load until the document is materialised. */
	#cold: ColdState | null = null;
	/** Counts commits: the answers cached below are for the state after one of them. */
	#version = 0;
	/**
	 * The answer to a sync request from a client that holds nothing (a new client), framed: every
	 * new client of a busy room gets the same bytes, built once per change, and connections that
	 * are slow to take them share one buffer rather than a copy each.
	 */
	#fullAnswer: { version: number; frame: Uint8Array } | null = null;
	/** The state vector sent to each joining peer. */
	#stateVectorAt: { version: number; stateVector: Uint8Array } | null = null;

	/** Sequence number of the newest committed update the room holds. */
	get lastSeq(): number {
		return this.#lastSeq;
	}

	/** Whether stored bytes wait to be decoded into the document. */
	get cold(): boolean {
		return this.#cold !== null;
	}

	/** Logged updates the newest snapshot does not cover. */
	get sinceSnapshot(): number {
		return this.#lastSeq - this.#snapshotSeq;
	}

	/** Reads the stored state (snapshot and the log after it) without decoding it. */
	async load(store: DocStore, room: string): Promise<{ logged: number; bytes: number }> {
		const { snapshot, snapshotSeq, snapshotStateVector, updates } = await store.load(room);
		this.#snapshotSeq = snapshotSeq;
		this.#lastSeq = updates.length ? updates[updates.length - 1]!.seq : snapshotSeq;
		const parts = updates.map((u) => u.update);
		if (snapshot) parts.unshift(snapshot);
		if (parts.length > 0) {
			this.#cold = {
				parts,
				stateVector: snapshot && snapshotStateVector ? stateVectorOf(snapshotStateVector, updates) : null,
				whole: null
			};
		}
		return { logged: updates.length, bytes: parts.reduce((n, p) => n + p.byteLength, 0) };
	}

	/** Decodes the stored bytes into `doc`, once; returns whether there were any. */
	materialise(doc: Y.Doc): boolean {
		const cold = this.#cold;
		if (!cold) return false;
		this.#cold = null;
		Y.transact(
			doc,
			() => {
				for (const p of cold.parts) Y.applyUpdate(doc, p, LOAD);
			},
			LOAD
		);
		return true;
	}

	/** The document now holds what is committed up to `seq` (a relayed update's may be older). */
	committed(seq: number): void {
		if (seq > this.#lastSeq) this.#lastSeq = seq;
		this.#version++;
	}

	/**
	 * The sync answer (step 2) for `request`: the state the client lacks. `doc` is the room's
	 * document, decoded first if it has not been.
	 */
	answer(request: SyncRequest, doc: () => Y.Doc): Uint8Array {
		if (request.clients > 0)
			return syncFrame(SyncType.step2, Y.encodeStateAsUpdate(doc(), request.stateVector));
		if (this.#fullAnswer?.version === this.#version) return this.#fullAnswer.frame;
		// A new client (empty vector) gets the stored bytes as they are. One that holds state
		// (a reconnect) needs a diff, and decoding the document once serves every such client.
		const whole = this.#cold ? wholeOf(this.#cold) : Y.encodeStateAsUpdate(doc());
		const bytes = syncFrame(SyncType.step2, whole);
		// One Buffer for every peer: transports frame it once and never copy it per send.
		const frame = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		this.#fullAnswer = { version: this.#version, frame };
		return frame;
	}

	/** The state vector of what is committed. */
	stateVector(doc: () => Y.Doc): Uint8Array {
		if (this.#stateVectorAt?.version === this.#version) return this.#stateVectorAt.stateVector;
		const stateVector = this.#cold?.stateVector ?? Y.encodeStateVector(doc());
		this.#stateVectorAt = { version: this.#version, stateVector };
		return stateVector;
	}

	/**
	 * Writes a snapshot of what is committed unless the newest one covers it. `doc` holds it
	 * unless the room is still cold. A failure is logged: the log still holds everything, and a
	 * missing snapshot only makes the next load slower.
	 */
	async snapshot(store: DocStore, room: string, doc: Y.Doc, log: Logger): Promise<void> {
		const seq = this.#lastSeq;
		if (seq === this.#snapshotSeq) return;
		const cold = this.#cold;
		try {
			// Not yet decoded: the stored parts merged are the same state, without decoding it.
			if (cold) {
				const whole = wholeOf(cold);
				// Its vector, if unknown, is worked out here (off anyone's path) so the next load has it.
				cold.stateVector ??= Y.encodeStateVectorFromUpdate(whole);
				await store.writeSnapshot(room, seq, whole, cold.stateVector);
			} else {
				await store.writeSnapshot(room, seq, Y.encodeStateAsUpdate(doc), Y.encodeStateVector(doc));
			}
			this.#snapshotSeq = seq;
		} catch (err) {
			log.error({ room, err }, 'snapshot failed');
		}
	}

	/** Lets go of the stored bytes (the room is released). */
	release(): void {
		this.#cold = null;
		this.#fullAnswer = null;
		this.#stateVectorAt = null;
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
function wholeOf(cold: ColdState): Uint8Array {
	return (cold.whole ??= cold.parts.length === 1 ? cold.parts[0]! : Y.mergeUpdates(cold.parts));
}
