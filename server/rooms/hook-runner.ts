/**
 * Runs a room's hooks, in order, each by its rule (see hooks.ts): what may refuse is let through
 * to the caller, what must not throw is caught and logged here, and what a hook returns for an
 * update is kept for that hook alone.
 */
import type * as Y from 'yjs';
import type { Logger } from '../log.ts';
import type { AwarenessEntry, DecodedUpdate } from './frames.ts';
import type {
	AwarenessPayload,
	CheckUpdatePayload,
	CommittedUpdate,
	Compensation,
	RoomHooks,
	RoomInfo
} from './hooks.ts';
import type { Peer } from './peer.ts';

/**
 * What the hooks returned for one update, by position among the hooks that return results; null
 * when none returned anything (no array is made for the common case of an unguarded room).
 */
export type HookResults = readonly unknown[] | null;

/** A committed update as the room holds it: with what the hooks returned for it. */
export interface CommittedEntry extends CommittedUpdate {
	readonly hookResults: HookResults;
	/** A server-made update that undoes refused changes of the entry just before it. */
	readonly compensates: boolean;
}

/** A hook's onLoaded threw: the room cannot serve its document (see hooks.ts). */
export class HookFailedError extends Error {
	override readonly name = 'HookFailedError';
	constructor(
		readonly hook: string,
		readonly step: 'onLoaded',
		override readonly cause: unknown
	) {
		super(`the ${hook} hook's ${step} failed: ${String(cause)}`);
	}
}

interface CommittedHook {
	hook: RoomHooks;
	resultOf(update: CommittedUpdate): unknown;
}

const noResult = (): undefined => undefined;

const NOTHING_CHECKED = Object.freeze({ results: null, compensations: null });

export class HookRunner {
	readonly #room: RoomInfo;
	readonly #log: Logger;
	/** Hooks that return results (checkUpdate, describeChange); an update's results are by position here. */
	readonly #producers: readonly RoomHooks[];
	readonly #onJoin: readonly RoomHooks[];
	readonly #onAwareness: readonly RoomHooks[];
	readonly #onCommitted: readonly CommittedHook[];
	readonly #onLoaded: readonly RoomHooks[];
	readonly #onLeave: readonly RoomHooks[];

	constructor(hooks: readonly RoomHooks[], room: RoomInfo, log: Logger) {
		this.#room = room;
		this.#log = log;
		this.#producers = hooks.filter((h) => h.checkUpdate || h.describeChange);
		this.#onJoin = hooks.filter((h) => h.onJoin);
		this.#onAwareness = hooks.filter((h) => h.onAwareness);
		this.#onLoaded = hooks.filter((h) => h.onLoaded);
		this.#onLeave = hooks.filter((h) => h.onLeave);
		this.#onCommitted = hooks
			.filter((h) => h.onCommitted)
			.map((hook) => {
				const slot = this.#producers.indexOf(hook);
				return {
					hook,
					resultOf: slot < 0 ? noResult : (u: CommittedUpdate) => (u as CommittedEntry).hookResults?.[slot]
				};
			});
	}

	/** onJoin: the first hook that throws refuses the join with what it threw. */
	async join(peer: Peer): Promise<void> {
		for (const h of this.#onJoin) await h.onJoin!({ room: this.#room, peer });
	}

	/**
	 * checkUpdate: the first hook that throws refuses the update with what it threw. Returns what
	 * the hooks said of the update and the compensations they asked for (none: null).
	 */
	checkUpdate(
		peer: Peer,
		update: Uint8Array,
		decoded: DecodedUpdate,
		deviceAt: number | null
	): { results: HookResults; compensations: Compensation[] | null } {
		if (this.#producers.length === 0) return NOTHING_CHECKED;
		let compensations: Compensation[] | null = null;
		const payload: CheckUpdatePayload = {
			room: this.#room,
			peer,
			update,
			decoded,
			deviceAt,
			compensate: (c) => {
				if (c.refused.length > 0) (compensations ??= []).push(c);
			}
		};
		let results: unknown[] | null = null;
		for (let i = 0; i < this.#producers.length; i++) {
			const r = this.#producers[i]!.checkUpdate?.(payload);
			if (r !== undefined) (results ??= new Array<unknown>(this.#producers.length))[i] = r;
		}
		return { results, compensations };
	}

	/** describeChange: a hook that throws is logged and has no result for this change. */
	describeChange(transaction: Y.Transaction): HookResults {
		let results: unknown[] | null = null;
		for (let i = 0; i < this.#producers.length; i++) {
			const h = this.#producers[i]!;
			try {
				const r = h.describeChange?.({ room: this.#room, transaction });
				if (r !== undefined) (results ??= new Array<unknown>(this.#producers.length))[i] = r;
			} catch (err) {
				this.#log.error(
					{ room: this.#room.name, hook: h.name, err },
					'describing a server-made change failed'
				);
			}
		}
		return results;
	}

	/** onAwareness: the first hook that throws refuses the awareness update. */
	awareness(peer: Peer, entries: AwarenessEntry[]): void {
		if (this.#onAwareness.length === 0) return;
		const payload: AwarenessPayload = { room: this.#room, peer, entries };
		for (const h of this.#onAwareness) h.onAwareness!(payload);
	}

	/**
	 * onCommitted, each awaited in turn. A hook that throws or rejects is logged and the next one
	 * runs: the updates are written, so they are broadcast and acknowledged whatever a hook does.
	 */
	async committed(updates: readonly CommittedEntry[]): Promise<void> {
		for (const { hook, resultOf } of this.#onCommitted) {
			try {
				const pending = hook.onCommitted!({ room: this.#room, updates, resultOf });
				if (pending) await pending;
			} catch (err) {
				this.#log.error(
					{ room: this.#room.name, hook: hook.name, seqs: updates.map((u) => u.seq), err },
					'onCommitted hook failed; the updates stay committed'
				);
			}
		}
	}

	/** onLoaded: a hook that throws fails the room (HookFailedError). */
	loaded(): void {
		for (const h of this.#onLoaded) {
			try {
				h.onLoaded!({ room: this.#room });
			} catch (err) {
				throw new HookFailedError(h.name, 'onLoaded', err);
			}
		}
	}

	/** onLeave: a hook that throws is logged, and the other hooks still hear of the leave. */
	leave(peer: Peer): void {
		for (const h of this.#onLeave) {
			try {
				h.onLeave!({ room: this.#room, peer });
			} catch (err) {
				this.#log.error({ room: this.#room.name, hook: h.name, conn: peer.id, err }, 'onLeave hook failed');
			}
		}
	}
}
