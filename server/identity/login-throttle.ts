/**
 * Rate limits for login: failed attempts counted per account and per client address in a
 * fixed window. Kept in memory, which is right for one node; several nodes count in Redis
 * instead (server/cluster/redis-login-throttle.ts, the same LoginLimiter), so the limit holds
 * whichever node each attempt reaches.
 *
 * Per-account limits let an attacker lock an account out for a window; that is the accepted
 * price of stopping password guessing, and the window is short.
 */

interface Window {
	failures: number;
	resetAt: number;
}

export interface ThrottleLimits {
	windowMs: number;
	perAccount: number;
	perAddress: number;
}

/** What login asks of a throttle, whichever keeps the counts. */
export interface LoginLimiter {
	/** Milliseconds until another attempt is allowed, or 0 if allowed now. */
	retryAfterMs(account: string, address: string): number | Promise<number>;
	recordFailure(account: string, address: string): void | Promise<void>;
	/** A successful login clears its account's failures (not the address's). */
	recordSuccess(account: string): void | Promise<void>;
}

/** Bound on tracked keys: beyond it, expired windows are dropped (and, failing that, the oldest). */
const MAX_KEYS = 100_000;

export class LoginThrottle implements LoginLimiter {
	#windows = new Map<string, Window>();

	constructor(private readonly limits: ThrottleLimits) {}

	/** Milliseconds until another attempt is allowed, or 0 if allowed now. */
	retryAfterMs(account: string, address: string, now = Date.now()): number {
		const a = this.#live(`u:${account.toLowerCase()}`, now);
		const b = this.#live(`a:${address}`, now);
		let wait = 0;
		if (a && a.failures >= this.limits.perAccount) wait = Math.max(wait, a.resetAt - now);
		if (b && b.failures >= this.limits.perAddress) wait = Math.max(wait, b.resetAt - now);
		return wait;
	}

	recordFailure(account: string, address: string, now = Date.now()): void {
		for (const key of [`u:${account.toLowerCase()}`, `a:${address}`]) {
			const w = this.#live(key, now);
			if (w) w.failures += 1;
			else this.#windows.set(key, { failures: 1, resetAt: now + this.limits.windowMs });
		}
		if (this.#windows.size > MAX_KEYS) this.#prune(now);
	}

	/** A successful login clears its account's failures (not the address's). */
	recordSuccess(account: string): void {
		this.#windows.delete(`u:${account.toLowerCase()}`);
	}

	#live(key: string, now: number): Window | undefined {
		const w = this.#windows.get(key);
		if (w && now >= w.resetAt) {
			this.#windows.delete(key);
			return undefined;
		}
		return w;
	}

	#prune(now: number): void {
		for (const [k, w] of this.#windows) if (now >= w.resetAt) this.#windows.delete(k);
		// Maps iterate in insertion order: drop the oldest windows if still over the bound.
		for (const k of this.#windows.keys()) {
			if (this.#windows.size <= MAX_KEYS) break;
			this.#windows.delete(k);
		}
	}
}
