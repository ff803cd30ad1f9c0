/**
 * The login throttle of several nodes: failed attempts per account and per client address counted
 * in Redis, in fixed windows (INCR, and an expiry set with the first failure), so the limits hold
 * whichever node each attempt reaches. While Redis does not answer, this node counts in its own
 * memory (the single-node LoginThrottle): the limit then holds per node, never not at all.
 * "Does not answer" is bounded: Redis away (node-redis would queue the command until it is back,
 * holding the login that long) is not asked at all, and an answer later than ANSWER_WAIT_MS is not
 * waited for.
 */
import { LoginThrottle, type LoginLimiter, type ThrottleLimits } from '../identity/login-throttle.ts';
import type { Client } from './redis-relay.ts';
import { ANSWER_WAIT_MS, answerWithin, settleWithin } from './redis-settle.ts';

export class RedisLoginThrottle implements LoginLimiter {
	readonly #fallback: LoginThrottle;

	constructor(
		private readonly redis: Client,
		private readonly prefix: string,
		private readonly limits: ThrottleLimits
	) {
		this.#fallback = new LoginThrottle(limits);
	}

	#keys(account: string, address: string): [string, string] {
		return [`${this.prefix}:login:u:${account.toLowerCase()}`, `${this.prefix}:login:a:${address}`];
	}

	async retryAfterMs(account: string, address: string): Promise<number> {
		const [u, a] = this.#keys(account, address);
		const local = this.#fallback.retryAfterMs(account, address);
		if (!this.redis.isReady) return local;
		const counts = await answerWithin(
			this.redis.multi().get(u).pTTL(u).get(a).pTTL(a).exec(),
			ANSWER_WAIT_MS
		);
		if (!counts) return local;
		const [uCount, uTtl, aCount, aTtl] = counts;
		let wait = 0;
		if (Number(uCount ?? 0) >= this.limits.perAccount) wait = Math.max(wait, Number(uTtl));
		if (Number(aCount ?? 0) >= this.limits.perAddress) wait = Math.max(wait, Number(aTtl));
		return Math.max(wait, local);
	}

	async recordFailure(account: string, address: string): Promise<void> {
		this.#fallback.recordFailure(account, address);
		const [u, a] = this.#keys(account, address);
		// Counted in memory above; in Redis if it answers. NX: the window starts with its first
		// failure and is not extended by later ones.
		if (!this.redis.isReady) return;
		await settleWithin(
			this.redis
				.multi()
				.incr(u)
				.pExpire(u, this.limits.windowMs, 'NX')
				.incr(a)
				.pExpire(a, this.limits.windowMs, 'NX')
				.exec(),
			ANSWER_WAIT_MS
		);
	}

	async recordSuccess(account: string): Promise<void> {
		this.#fallback.recordSuccess(account);
		// Not answered: the account's window expires by itself.
		if (!this.redis.isReady) return;
		await settleWithin(this.redis.del(this.#keys(account, '')[0]), ANSWER_WAIT_MS);
	}
}
