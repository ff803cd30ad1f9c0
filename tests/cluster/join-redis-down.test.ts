/**
 * Opening a room while Redis is away. A node subscribes to a room's relay channels before it loads
 * the room; node-redis queues that subscribe until Redis is back, so a join used to wait for Redis
 * with no answer. Now it is refused by name (`storage-failed`, which the app retries) at once while
 * Redis is down, or after SUBSCRIBE_WAIT_MS when Redis hangs, and a subscription Redis confirms
 * late is undone. Real processes and a Redis of the test's own.
 */
import { createClient } from 'redis';
import { afterEach, expect, it } from 'vitest';
import { RedisRelay, RelayUnavailableError, SUBSCRIBE_WAIT_MS } from '../../server/cluster/redis-relay.ts';
import { UNHANDLED_REJECTION } from '../../server/unhandled-rejections.ts';
import { loginAt } from '../helpers/auth.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { connectRawSio } from '../helpers/raw-clients.ts';
import { describeRedis, startRedis } from '../helpers/redis.ts';
import { sleep, topology, writer } from './cluster-helpers.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const c of cleanup.splice(0).reverse()) await c();
});

/** The join's answer: 'ok' or the refusal's reason, and how long it took. */
async function tryJoin(url: string, room: string, cookie: string): Promise<{ answer: string; ms: number }> {
	const t0 = Date.now();
	try {
		const raw = await connectRawSio(url, room, cookie, 20_000);
		raw.socket.disconnect();
		return { answer: 'ok', ms: Date.now() - t0 };
	} catch (err) {
		return { answer: String((err as Error).message), ms: Date.now() - t0 };
	}
}

describeRedis('a relay subscription Redis cannot confirm', () => {
	it('[join-redis-1] fails by name at once while Redis is down, after the wait while it hangs, and is undone when confirmed late', async () => {
		const redis = await startRedis();
		cleanup.push(() => redis.stop());
		const errors: unknown[] = [];
		const relay = await RedisRelay.connect({
			url: redis.url,
			prefix: 'join-test',
			onError: (e) => errors.push(e)
		});
		cleanup.push(() => relay.close());
		const probe = createClient({ url: redis.url });
		probe.on('error', () => undefined);
		await probe.connect();
		cleanup.push(() => void probe.destroy());
		const subscribers = async (channel: string): Promise<number> =>
			(await probe.pubSubNumSub(channel))[channel] ?? 0;

		// Up: subscribed, confirmed.
		const stop = await relay.subscribe('up', () => undefined);
		expect(await subscribers('join-test:room:up')).toBe(1);
		await stop();

		// Hanging (SIGSTOP: the connection stays open, nothing answers): refused after the wait.
		redis.pause();
		let t0 = Date.now();
		await expect(relay.subscribe('hung', () => undefined)).rejects.toBeInstanceOf(RelayUnavailableError);
		const waited = Date.now() - t0;
		expect(waited).toBeGreaterThanOrEqual(SUBSCRIBE_WAIT_MS - 50);
		expect(waited).toBeLessThan(SUBSCRIBE_WAIT_MS + 2000);
		// Back: Redis confirms the subscription late, and the relay undoes it (nobody listens).
		redis.resume();
		await expect.poll(() => subscribers('join-test:room:hung'), { timeout: 5000 }).toBe(0);
		expect(await relay.listen('still-works', () => undefined)).toBeTypeOf('function');

		// Down (killed): refused at once, not queued until Redis is back.
		await redis.kill();
		await expect.poll(() => relay.connected, { timeout: 5000 }).toBe(false);
		t0 = Date.now();
		await expect(relay.subscribe('down', () => undefined)).rejects.toBeInstanceOf(RelayUnavailableError);
		await expect(relay.listen('aw:down', () => undefined)).rejects.toBeInstanceOf(RelayUnavailableError);
		expect(Date.now() - t0).toBeLessThan(1000);
	}, 60_000);
});

describePostgres('joining a room while Redis is away', () => {
	describeRedis('real processes', () => {
		it('[join-redis-2] a join is refused as storage-failed at once (not held until Redis is back), open rooms carry on, and the room opens once Redis is back', async () => {
			const t = await topology();
			cleanup.push(() => t.dispose());
			const node = await t.start();
			const { cookie } = await loginAt(node.url, 'commander');
			const open = await writer(node.url, 'open-before', cookie);
			expect(await open.write('before')).toBe(true);

			await t.redis.kill();
			await sleep(500);
			const refused = await tryJoin(node.url, 'opened-while-down', cookie);
			console.log(`join with Redis down: ${refused.answer} after ${refused.ms} ms`);
			expect(refused.answer).toBe('join refused: storage-failed');
			expect(refused.ms).toBeLessThan(5000);
			// The child's log reaches the test through its stdout, after the answer.
			await expect
				.poll(() => node.logs.some((l) => l.msg === 'room not opened: Redis is unreachable'))
				.toBe(true);
			// The room this node already owns takes writes, acknowledged once in PostgreSQL.
			expect(await open.write('during')).toBe(true);

			await t.redis.restart();
			await expect
				.poll(async () => (await tryJoin(node.url, 'opened-while-down', cookie)).answer, {
					timeout: 15_000,
					interval: 500
				})
				.toBe('ok');
			const later = await writer(node.url, 'opened-while-down', cookie);
			expect(await later.write('after')).toBe(true);
			expect(node.logs.filter((l) => l.msg === UNHANDLED_REJECTION)).toEqual([]);
		}, 120_000);
	});
});
