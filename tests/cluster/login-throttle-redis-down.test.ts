/**
 * The login throttle of several nodes with its Redis killed: a login is judged at once by this
 * node's own count (as documented), not held until Redis is back (node-redis queues commands while
 * its connection is down), and what was counted meanwhile still limits.
 */
import { createClient } from 'redis';
import { afterEach, expect, it } from 'vitest';
import { RedisLoginThrottle } from '../../server/cluster/redis-login-throttle.ts';
import type { Client } from '../../server/cluster/redis-relay.ts';
import { describeRedis, startRedis } from '../helpers/redis.ts';

describeRedis('login throttle with Redis killed', () => {
	const cleanup: Array<() => Promise<void> | void> = [];
	afterEach(async () => {
		for (const c of cleanup.splice(0).reverse()) await c();
	});

	it('[throttle-1] answers within a second while Redis is away, counting in memory', async () => {
		const redis = await startRedis();
		cleanup.push(() => redis.stop());
		// As the relay makes its clients (reconnecting every second at most).
		const client = createClient({
			url: redis.url,
			socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) }
		}) as unknown as Client;
		client.on('error', () => undefined);
		await client.connect();
		cleanup.push(() => client.destroy());
		const throttle = new RedisLoginThrottle(client, 'throttle-test', {
			windowMs: 60_000,
			perAccount: 3,
			perAddress: 100
		});
		await throttle.recordFailure('commander', '10.0.0.1');
		await redis.kill();
		const t0 = Date.now();
		for (let i = 0; i < 3; i++) await throttle.recordFailure('commander', '10.0.0.1');
		const wait = await throttle.retryAfterMs('commander', '10.0.0.1');
		await throttle.recordSuccess('someone-else');
		const ms = Date.now() - t0;
		expect(ms).toBeLessThan(1000);
		// Three failures counted here while Redis was away reach the limit of three.
		expect(wait).toBeGreaterThan(0);
	}, 30_000);
});
