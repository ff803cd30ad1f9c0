/**
 * Stopping a node (SIGTERM) while Redis is away: it must stop as promptly as with Redis up (exit
 * code 0, its clients told `server-shutting-down`, its leases released in PostgreSQL), not wait
 * for Redis until the grace period runs out. Real processes, a Redis of the test's own, killed.
 */
import { expect, it } from 'vitest';
import { UNHANDLED_REJECTION } from '../../server/unhandled-rejections.ts';
import { Close } from '#domain/protocol';
import { loginAt } from '../helpers/auth.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { describeRedis } from '../helpers/redis.ts';
import { nodeIdOf, sleep, topologiesPerTest, writer, type Topology } from './cluster-helpers.ts';

describePostgres('stopping a node while Redis is away', () => {
	describeRedis('real processes', () => {
		const topologies = topologiesPerTest();
		// A grace period far above what a clean stop takes, so waiting it out shows.
		const open = (): Promise<Topology> => topologies.open({ SHUTDOWN_GRACE_MS: '20000' });

		it('[shutdown-1] SIGTERM with Redis killed: exit 0 within seconds, clients told server-shutting-down, leases released', async () => {
			const t = await open();
			const n1 = await t.start();
			const { cookie } = await loginAt(n1.url, 'commander');
			const n2 = await t.start();
			const rooms = ['down-a', 'down-b'];
			const owned = await Promise.all(rooms.map((r) => writer(n1.url, r, cookie)));
			const onReplica = await writer(n2.url, rooms[0]!, cookie);
			for (const [i, w] of owned.entries()) expect(await w.write(`k${i}`)).toBe(true);
			expect(await onReplica.write('from-replica')).toBe(true);
			for (const r of rooms) expect(await t.ownerOf(r)).toBe(nodeIdOf(n1));

			await t.redis.kill();
			// Let both nodes notice (their connections error and start reconnecting).
			await sleep(500);
			const t0 = Date.now();
			const exit = await n1.terminate(30_000);
			const ms = Date.now() - t0;
			console.log(`stop with Redis down: ${ms} ms, exit ${JSON.stringify(exit)}`);
			expect(exit).toEqual({ code: 0, signal: null });
			expect(ms).toBeLessThan(5000);
			for (const w of owned)
				expect(w.raw.closed.map((c) => [c.code, c.reason])).toContainEqual([
					Close.ShuttingDown.code,
					Close.ShuttingDown.reason
				]);
			// Released, not left to expire: the stopped node holds neither lease now. The other node
			// holds down-a for its client and may take that lease over at once (its lease check runs
			// every third of the TTL; a CI run caught it doing so within the test's next steps).
			expect(await t.ownerOf('down-b')).toBeNull();
			expect([null, nodeIdOf(n2)]).toContain(await t.ownerOf('down-a'));
			expect(n1.logs.filter((l) => l.msg === 'lease not released; it expires by itself')).toEqual([]);
			// The other node stops cleanly too, with Redis still away.
			const exit2 = await n2.terminate(30_000);
			expect(exit2).toEqual({ code: 0, signal: null });
			// Nothing of it went unhandled (logged, not fatal, so only the log shows it).
			for (const n of [n1, n2]) expect(n.logs.filter((l) => l.msg === UNHANDLED_REJECTION)).toEqual([]);
		}, 120_000);
	});
});
