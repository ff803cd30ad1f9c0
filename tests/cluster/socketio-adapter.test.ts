/**
 * The Socket.IO Redis adapter as the server wires it (`compose/socketio-redis-adapter.ts`), with a
 * real Redis (a process of the test's own) killed while the adapter publishes: no rejection of
 * its Redis calls is left unhandled (one would end a node's process), the failures are logged,
 * and closing does not wait for the dead Redis.
 *
 * The server itself emits to sockets one by one (`socket.emit`, never through the adapter), so
 * what the adapter sends in production is its subscriptions, its unsubscribes on close and its
 * answers to other nodes' requests; the broadcasts and server-side emits below drive the same
 * fire-and-forget `publish` at a rate that makes one in flight when Redis dies certain.
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Server } from 'socket.io';
import { afterEach, expect, it } from 'vitest';
import { useRedisAdapter } from '../../server/compose/socketio-redis-adapter.ts';
import { describeRedis, startRedis } from '../helpers/redis.ts';

describeRedis('Socket.IO Redis adapter with Redis killed', () => {
	const cleanup: Array<() => Promise<void> | void> = [];
	afterEach(async () => {
		for (const c of cleanup.splice(0).reverse()) await c();
	});

	it('[adapter-1] Redis killed while the adapter broadcasts: every failed publish is handled and logged, close is prompt', async () => {
		const redis = await startRedis();
		cleanup.push(() => redis.stop());
		const lines: Array<Record<string, unknown>> = [];
		const log = pino(
			{ level: 'debug' },
			new Writable({
				write(chunk: Buffer, _enc, done) {
					lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
					done();
				}
			})
		);
		const unhandled: unknown[] = [];
		const onUnhandled = (err: unknown): void => void unhandled.push(err);
		process.on('unhandledRejection', onUnhandled);
		cleanup.push(() => void process.off('unhandledRejection', onUnhandled));

		// Two "nodes", so the broadcasts have somewhere to go.
		const ios = [new Server(http.createServer()), new Server(http.createServer())];
		const adapters = await Promise.all(
			ios.map((io) => useRedisAdapter(io, { url: redis.url, prefix: 'adapter-test', log }))
		);
		let sending = true;
		let sent = 0;
		const pump = (async () => {
			while (sending) {
				for (let i = 0; i < 50; i++) {
					ios[0]!.to('incident-1').emit('note', { i, pad: 'x'.repeat(2000) });
					ios[0]!.serverSideEmit('note', i);
					sent++;
				}
				await new Promise((r) => setImmediate(r));
			}
		})();
		await new Promise((r) => setTimeout(r, 200));
		console.log(`before the kill: ${sent} broadcasts`);
		await redis.kill();
		await new Promise((r) => setTimeout(r, 500));
		sending = false;
		await pump;

		const t0 = Date.now();
		for (const io of ios) await io.close();
		await Promise.all(adapters.map((a) => a.close()));
		const closeMs = Date.now() - t0;
		// Let every rejection surface (Node reports unhandled ones after the microtasks ran).
		await new Promise((r) => setTimeout(r, 200));

		expect(sent).toBeGreaterThan(100);
		expect(unhandled.length, `unhandled rejections, the first: ${String(unhandled[0])}`).toBe(0);
		expect(lines.some((l) => l.msg === 'Socket.IO adapter: a Redis call failed')).toBe(true);
		expect(closeMs).toBeLessThan(2000);
	}, 30_000);
});
