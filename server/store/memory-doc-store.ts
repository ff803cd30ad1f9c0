/**
 * An in-memory document store for tests and throwaway rooms. Same contract as the durable
 * stores (it passes the same contract suite), but nothing survives the process.
 */
import type {
	AppendEntry,
	DocStore,
	EntryCompanion,
	HistoryRange,
	LoadedRoom,
	StoredUpdate,
	Written
} from './doc-store.ts';
import { StoreClosedError } from './doc-store.ts';
import { pagedHistory } from './paged-history.ts';

export class MemoryDocStore implements DocStore {
	readonly kind = 'memory';
	#log = new Map<string, StoredUpdate[]>();
	#snapshots = new Map<string, { seq: number; state: Uint8Array; stateVector: Uint8Array | null }>();
	#closed = false;

	/** `companions` record what belongs with each entry (refusals), called as it is appended. */
	constructor(private readonly companions: readonly EntryCompanion[] = []) {}

	isReady(): boolean {
		return !this.#closed;
	}

	async append(entries: readonly AppendEntry[]): Promise<number[]> {
		if (this.#closed) throw new StoreClosedError();
		return entries.map((e) => {
			const log = this.#log.get(e.room) ?? [];
			this.#log.set(e.room, log);
			const seq = log.length + 1;
			if (e.refusals !== undefined && e.refusals.length > 0 && this.companions.length === 0)
				throw new Error('an entry with refusals and no store to record them: refusing to lose them');
			for (const c of this.companions) c(e, seq);
			const { refusals: _refusals, ...stored } = e;
			log.push({ ...stored, update: e.update.slice(), seq, size: e.update.byteLength });
			return seq;
		});
	}

	async write(entries: readonly AppendEntry[]): Promise<Written> {
		return { seqs: await this.append(entries), onDisk: Promise.resolve() };
	}

	async load(room: string): Promise<LoadedRoom> {
		const snap = this.#snapshots.get(room);
		const snapshotSeq = snap?.seq ?? 0;
		const updates = (this.#log.get(room) ?? []).filter((u) => u.seq > snapshotSeq);
		return {
			snapshot: snap ? snap.state.slice() : null,
			snapshotSeq,
			snapshotStateVector: snap?.stateVector?.slice() ?? null,
			updates
		};
	}

	async writeSnapshot(room: string, seq: number, state: Uint8Array, stateVector?: Uint8Array): Promise<void> {
		if (this.#closed) throw new StoreClosedError();
		const prev = this.#snapshots.get(room);
		if (!prev || prev.seq <= seq)
			this.#snapshots.set(room, { seq, state: state.slice(), stateVector: stateVector?.slice() ?? null });
	}

	history(room: string, range: HistoryRange = {}): AsyncIterable<StoredUpdate> {
		// A room's log holds seq n at index n - 1.
		return pagedHistory(room, range, (r, after, upTo, limit) =>
			(this.#log.get(r) ?? []).slice(after, Math.min(upTo, after + limit))
		);
	}

	async close(): Promise<void> {
		this.#closed = true;
	}
}
