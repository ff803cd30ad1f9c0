/**
 * A replica's feed of one room: turns relayed `(seq, update)` messages, which may arrive late,
 * twice, out of order or not at all (Redis pub/sub is at-most-once), into the room's committed
 * updates applied exactly once and in sequence order.
 *
 * - Subscribe before load: messages that arrive before `loaded(seq)` are kept, and those the load
 *   already covered are dropped then.
 * - Only the next number is applied; a duplicate (seq <= applied) is dropped.
 * - A gap (a message past the next one, or an announced head past what was applied) is filled
 *   from the store's log (`history`), which is the truth: the owner publishes only after commit,
 *   and commit order equals sequence order, so every number up to a published one is readable.
 * - A lost last message has no successor to reveal it: the owner's periodic head announcement
 *   (`head`) or a `catchUp` after any reconnect of the relay reveals it.
 *
 * Work is serialized per feed. An update that does not apply (the room refuses it) stops the
 * feed and reports it (`onBroken`): the room must be reloaded from the store.
 */
import type { DocStore } from '../store/doc-store.ts';

/** Applies one committed update to the room (Room.applyRelayed). */
export type ApplyRelayed = (update: Uint8Array, seq: number) => Promise<void>;

export interface RoomFeedStats {
	/** Updates applied from messages. */
	relayed: number;
	/** Updates applied from the store's log, to fill gaps. */
	fetched: number;
	/** Messages dropped as already applied. */
	duplicates: number;
}

export class RoomFeed {
	#applied: number | null = null;
	/** Messages ahead of what is applied (or received before the load), by sequence number. */
	readonly #ahead = new Map<number, Uint8Array>();
	/** The highest sequence number known to exist (announced, or read as missing). */
	#knownHead = 0;
	#catchUpWanted = false;
	#chain: Promise<void> = Promise.resolve();
	#broken: unknown = null;
	readonly stats: RoomFeedStats = { relayed: 0, fetched: 0, duplicates: 0 };

	constructor(
		readonly room: string,
		private readonly store: Pick<DocStore, 'history'>,
		private readonly apply: ApplyRelayed,
		private readonly onBroken: (room: string, err: unknown) => void = () => undefined
	) {}

	/** The last sequence number applied (null before the load). */
	get applied(): number | null {
		return this.#applied;
	}

	/** Whether an update did not apply: the feed stopped, and the room must be reloaded. */
	get broken(): boolean {
		return this.#broken !== null;
	}

	/** The room was loaded from the store up to and including `seq`. */
	loaded(seq: number): Promise<void> {
		this.#applied = seq;
		return this.#schedule();
	}

	/** A relayed message. */
	receive(seq: number, update: Uint8Array): Promise<void> {
		if (this.#applied !== null && seq <= this.#applied) {
			this.stats.duplicates++;
			return this.#chain;
		}
		if (this.#ahead.has(seq)) this.stats.duplicates++;
		else this.#ahead.set(seq, update);
		return this.#schedule();
	}

	/** The owner's announced head: everything up to `seq` is committed. */
	head(seq: number): Promise<void> {
		if (seq > this.#knownHead) this.#knownHead = seq;
		return this.#schedule();
	}

	/** Reads whatever the log holds past what is applied (after the relay reconnected). */
	catchUp(): Promise<void> {
		this.#catchUpWanted = true;
		return this.#schedule();
	}

	/** Settles once the work scheduled so far is done. */
	idle(): Promise<void> {
		return this.#chain;
	}

	#schedule(): Promise<void> {
		this.#chain = this.#chain.then(() => this.#drain());
		return this.#chain;
	}

	async #drain(): Promise<void> {
		if (this.#broken !== null || this.#applied === null) return;
		try {
			for (;;) {
				for (const seq of this.#ahead.keys()) {
					if (seq <= this.#applied) {
						this.#ahead.delete(seq);
						this.stats.duplicates++;
					}
				}
				const next = this.#ahead.get(this.#applied + 1);
				if (next) {
					this.#ahead.delete(this.#applied + 1);
					await this.apply(next, this.#applied + 1);
					this.#applied++;
					this.stats.relayed++;
					continue;
				}
				const firstAhead = this.#ahead.size > 0 ? Math.min(...this.#ahead.keys()) : null;
				const wanted = this.#catchUpWanted || (firstAhead ?? this.#knownHead) > this.#applied;
				if (!wanted) return;
				this.#catchUpWanted = false;
				// The gap up to the first message held (or the head, or the end of the log).
				const toSeq = firstAhead !== null ? firstAhead - 1 : undefined;
				let got = 0;
				for await (const u of this.store.history(this.room, {
					fromSeq: this.#applied + 1,
					...(toSeq !== undefined ? { toSeq } : {})
				})) {
					if (u.seq !== this.#applied + 1) break;
					await this.apply(u.update, u.seq);
					this.#applied = u.seq;
					this.stats.fetched++;
					got++;
				}
				if (got === 0) return; // nothing more is readable yet
			}
		} catch (err) {
			this.#broken = err;
			this.onBroken(this.room, err);
		}
	}
}
