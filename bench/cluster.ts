/**
 * Several nodes, measured with real server processes (PostgreSQL at TEST_DATABASE_URL on a fresh
 * schema, a redis-server of its own):
 *
 * 1. Fan-out: the same clients (RECEIVERS y-websocket clients, two writers) on one node, then
 *    spread over two nodes, in the same run, alternating (one, two, one, two, …). Writers send
 *    RATE updates a second for SECONDS; each update carries its send time, each receiver records
 *    the delay to its arrival. Reported: p50/p99 delivery latency, deliveries lost, and the
 *    servers' CPU (user + system, all processes) per 1,000 deliveries. Goal: two-node p99 at most
 *    2x one-node, nothing lost.
 * 2. Failover: two nodes, a writer on the replica writing continuously with per-update acks; the
 *    owner is killed with SIGKILL; reported: time from the kill to the first acknowledged write
 *    sent after it (goal < 5 s), with LEASE_TTL_MS as configured (default 3000).
 *
 * `npm run bench:cluster` (environment: RUNS, RECEIVERS, RATE, SECONDS, LEASE_TTL_MS).
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import { loginAt, realtimeTokenAt } from '../tests/helpers/auth.ts';
import { startChildServer, type ChildServer } from '../tests/helpers/child-server.ts';
import { connectYws, waitForSync, type YwsClient } from '../tests/helpers/clients.ts';
import { dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../tests/helpers/postgres.ts';
import { connectRawSio, updateFrame } from '../tests/helpers/raw-clients.ts';
import { startRedis, type TestRedis } from '../tests/helpers/redis.ts';
import { tempDataDir } from '../tests/helpers/server.ts';
import { cpuTimeMs as cpuMs } from './proc-stats.ts';
import { percentile } from './stats.ts';

const RUNS = Number(process.env.RUNS ?? 3);
const RECEIVERS = Number(process.env.RECEIVERS ?? 40);
const RATE = Number(process.env.RATE ?? 20);
const SECONDS = Number(process.env.SECONDS ?? 10);
const LEASE_TTL_MS = process.env.LEASE_TTL_MS ?? '3000';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
interface Topology {
	redis: TestRedis;
	schema: string;
	start(): Promise<ChildServer>;
	close(): Promise<void>;
}

async function topology(): Promise<Topology> {
	const redis = await startRedis();
	const schema = freshSchemaName();
	const nodes: ChildServer[] = [];
	const env = {
		ALLOW_ADHOC_ROOMS: '1',
		DATABASE_URL: TEST_DATABASE_URL,
		DATABASE_SCHEMA: schema,
		REDIS_URL: redis.url,
		LEASE_TTL_MS,
		LOG_LEVEL: 'info'
	};
	return {
		redis,
		schema,
		async start() {
			const n = await startChildServer(tempDataDir('sitroom-bench-'), env, 60_000);
			nodes.push(n);
			return n;
		},
		async close() {
			await Promise.all(nodes.map((n) => n.kill()));
			await redis.stop();
			await dropSchema(schema);
		}
	};
}

interface FanOut {
	p50: number;
	p99: number;
	lost: number;
	deliveries: number;
	cpuPer1000: number;
}

async function fanOut(nodes: ChildServer[], room: string): Promise<FanOut> {
	const session = await loginAt(nodes[0]!.url, 'commander');
	const token = async (url: string) => realtimeTokenAt(url, session, room);
	const clients: YwsClient[] = [];
	// Writers first: the first node opens the room and owns it; with two nodes, one writer each.
	const writers: YwsClient[] = [];
	for (let i = 0; i < 2; i++) {
		const url = nodes[i % nodes.length]!.url;
		const w = connectYws(url, room, { token: await token(url) });
		await waitForSync(w.provider, 30_000);
		writers.push(w);
		clients.push(w);
	}
	const latencies: number[] = [];
	const received = new Map<YwsClient, number>();
	for (let i = 0; i < RECEIVERS; i++) {
		const url = nodes[i % nodes.length]!.url;
		const c = connectYws(url, room, { token: await token(url) });
		await waitForSync(c.provider, 30_000);
		received.set(c, 0);
		c.doc.getMap('m').observe((e) => {
			const now = performance.now();
			for (const key of e.keysChanged) {
				const sent = c.doc.getMap('m').get(key);
				if (typeof sent === 'number') latencies.push(now - sent);
				received.set(c, (received.get(c) ?? 0) + 1);
			}
		});
		clients.push(c);
	}
	await sleep(1000);
	const cpu0 = nodes.map((n) => cpuMs(n.pid));
	const total = RATE * SECONDS;
	for (let i = 0; i < total; i++) {
		const w = writers[i % writers.length]!;
		w.doc.getMap('m').set(`k${i}`, performance.now());
		await sleep(1000 / RATE);
	}
	const expected = total * RECEIVERS;
	const t0 = Date.now();
	while (latencies.length < expected && Date.now() - t0 < 15_000) await sleep(50);
	const cpu = nodes.map((n, i) => cpuMs(n.pid) - cpu0[i]!).reduce((a, b) => a + b, 0);
	for (const c of clients) c.destroy();
	const sorted = [...latencies].sort((a, b) => a - b);
	return {
		p50: percentile(sorted, 50),
		p99: percentile(sorted, 99),
		lost: expected - [...received.values()].reduce((a, b) => a + b, 0),
		deliveries: latencies.length,
		cpuPer1000: (cpu / Math.max(1, latencies.length)) * 1000
	};
}

async function failover(): Promise<number> {
	const t = await topology();
	try {
		const n1 = await t.start();
		const session = await loginAt(n1.url, 'commander');
		const n2 = await t.start();
		const room = 'failover';
		const owner = await connectRawSio(n1.url, room, session.cookie);
		const raw = await connectRawSio(n2.url, room, session.cookie);
		const doc = new Y.Doc();
		const write = async (key: string): Promise<boolean> => {
			let u: Uint8Array | null = null;
			const on = (x: Uint8Array): void => void (u = x);
			doc.on('update', on);
			doc.getMap('m').set(key, 1);
			doc.off('update', on);
			const ack = await raw.send(updateFrame(u!));
			return ack?.ok === true;
		};
		for (let i = 0; i < 20; i++) await write(`before-${i}`);
		owner.disconnect();
		const killedAt = performance.now();
		await n1.kill();
		for (let i = 0; ; i++) {
			const sentAt = performance.now();
			if ((await write(`after-${i}`)) && sentAt >= killedAt) return performance.now() - killedAt;
			if (performance.now() - killedAt > 30_000) return Number.NaN;
		}
	} finally {
		await t.close();
	}
}

async function main(): Promise<void> {
	console.log(
		`cluster bench: ${RUNS} runs, ${RECEIVERS} receivers, 2 writers, ${RATE} updates/s for ${SECONDS} s; LEASE_TTL_MS ${LEASE_TTL_MS}`
	);
	console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
	const one: FanOut[] = [];
	const two: FanOut[] = [];
	for (let run = 0; run < RUNS; run++) {
		for (const nodeCount of [1, 2]) {
			const t = await topology();
			try {
				const nodes: ChildServer[] = [];
				for (let i = 0; i < nodeCount; i++) nodes.push(await t.start());
				const r = await fanOut(nodes, `fan-out-${run}`);
				(nodeCount === 1 ? one : two).push(r);
				console.log(
					`  run ${run + 1}, ${nodeCount} node(s): p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, lost ${r.lost}, ${r.deliveries} deliveries, server CPU ${r.cpuPer1000.toFixed(1)} ms per 1,000`
				);
			} finally {
				await t.close();
			}
		}
	}
	const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
	const row = (name: string, rs: FanOut[]) =>
		`${name}: p50 ${median(rs.map((r) => r.p50)).toFixed(1)} ms, p99 ${median(rs.map((r) => r.p99)).toFixed(1)} ms, lost ${rs.reduce((a, r) => a + r.lost, 0)}, CPU ${median(rs.map((r) => r.cpuPer1000)).toFixed(1)} ms per 1,000 deliveries`;
	console.log(`\nfan-out (medians of ${RUNS} runs)`);
	console.log(row('  one node ', one));
	console.log(row('  two nodes', two));
	const ratio = median(two.map((r) => r.p99)) / median(one.map((r) => r.p99));
	console.log(
		`  two/one p99: ${ratio.toFixed(2)} (goal <= 2), lost ${two.reduce((a, r) => a + r.lost, 0)} (goal 0)`
	);

	const times: number[] = [];
	for (let run = 0; run < RUNS; run++) {
		const ms = await failover();
		times.push(ms);
		console.log(
			`  failover run ${run + 1}: ${ms.toFixed(0)} ms from kill -9 to the first acknowledged write`
		);
	}
	console.log(
		`failover (LEASE_TTL_MS ${LEASE_TTL_MS}): median ${median(times).toFixed(0)} ms, worst ${Math.max(...times).toFixed(0)} ms (goal < 5000)`
	);
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		console.error(err);
		process.exit(1);
	}
);
