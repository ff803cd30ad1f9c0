/**
 * Paces the sync answers (step 2) one connection is sent. Regression (security review): every
 * request was answered with the whole document however much the connection had not yet taken;
 * one that stopped reading grew the server by hundreds of MB.
 *
 * A connection has at most one answer waiting: while more than a little is still queued for it,
 * or its byte budget (a burst, refilled per second) is spent, its request waits, a newer request
 * replaces it (they ask the same question, and the newer vector is the truer), and it is looked at
 * again shortly. One answer larger than the burst still goes out when the budget is full.
 */
import type { SyncRequest } from './stored-state.ts';

export interface SyncAnswerBudget {
	burstBytes: number;
	bytesPerSecond: number;
}

export const DEFAULT_SYNC_ANSWER_BUDGET: SyncAnswerBudget = {
	burstBytes: 32 * 1024 * 1024,
	bytesPerSecond: 2 * 1024 * 1024
};

/** A connection's request is answered once less than this is still queued for it. */
const ANSWER_WHEN_QUEUED_BELOW = 256 * 1024;
/** How often a deferred answer looks again whether the connection has drained. */
const ANSWER_RETRY_MS = 50;
/** What an answer costs besides its bytes (working out the difference, framing). */
const ANSWER_OVERHEAD_BYTES = 4 * 1024;

export class SyncAnswerPacer {
	readonly #budget: SyncAnswerBudget;
	readonly #lookAgain: () => void;
	/** The newest request not yet answered. */
	#wanted: SyncRequest | null = null;
	/** Set while an answer waits for the connection to drain. */
	#retry: NodeJS.Timeout | null = null;
	/** Bytes of answers left in the budget (may go below zero), and when it was refilled. */
	#left: number;
	#refilledAt = performance.now();

	/** `lookAgain` runs, once, when a deferred request may be answered. */
	constructor(budget: SyncAnswerBudget, lookAgain: () => void) {
		this.#budget = budget;
		this.#lookAgain = lookAgain;
		this.#left = budget.burstBytes;
	}

	/** Records a request; one still waiting is replaced. */
	want(request: SyncRequest): void {
		this.#wanted = request;
	}

	/**
	 * The request to answer now, or null: none waits, or the connection is still busy (then
	 * `lookAgain` runs later, once however often this is asked meanwhile).
	 */
	next(queuedBytes: number): SyncRequest | null {
		if (this.#wanted === null) return null;
		const { burstBytes, bytesPerSecond } = this.#budget;
		const now = performance.now();
		this.#left = Math.min(burstBytes, this.#left + ((now - this.#refilledAt) / 1000) * bytesPerSecond);
		this.#refilledAt = now;
		if (queuedBytes >= ANSWER_WHEN_QUEUED_BELOW || this.#left < 0) {
			const wait = Math.max(ANSWER_RETRY_MS, (-this.#left / bytesPerSecond) * 1000);
			this.#retry ??= setTimeout(() => {
				this.#retry = null;
				this.#lookAgain();
			}, wait);
			return null;
		}
		const request = this.#wanted;
		this.#wanted = null;
		return request;
	}

	/** Charges an answer of `bytes` to the budget. */
	sent(bytes: number): void {
		this.#left -= bytes + ANSWER_OVERHEAD_BYTES;
	}

	/** The connection left: nothing more is looked at. */
	stop(): void {
		if (this.#retry) clearTimeout(this.#retry);
		this.#retry = null;
		this.#wanted = null;
	}
}
