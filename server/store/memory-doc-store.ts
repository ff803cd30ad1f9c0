/**
 * An in-memory document store for tests and throwaway rooms. Same contract as the durable
 * stores (it passes the same contract suite), but nothing survives the process.
 */
import type { AppendEntry, DocStore, LoadedRoom, StoredUpdate, Written } from './doc-store.ts';
import { StoreClosedError } from './doc-store.ts';

export class MemoryDocStore implements DocStore {
	readonly kind = 'memory';
	#log = new Map<string, StoredUpdate[]>();
	#snapshots = new Map<string, { seq: number; state: Uint8Array; stateVector: Uint8Array | null }>();
	#closed = false;

	isReady(): boolean {
		return !this.#closed;
	}

	async append(entries: readonly AppendEntry[]): Promise<number[]> {
		if (this.#closed) throw new StoreClosedError();
		return entries.map((e) => {
			const log = this.#log.get(e.room) ?? [];
			this.#log.set(e.room, log);
			const seq = log.length + 1;
			log.push({ ...e, update: e.update.slice(), seq, size: e.update.byteLength });
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

	async history(room: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Promise<StoredUpdate[]> {
		return (this.#log.get(room) ?? []).filter((u) => u.seq >= fromSeq && u.seq <= toSeq);
	}

	async close(): Promise<void> {
		this.#closed = true;
	}
}
