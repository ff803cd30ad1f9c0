/**
 * The measurement behind the one-room and many-rooms scenarios: `rooms` rooms of
 * `clientsPerRoom` y-websocket clients each, one writer per room making timed small map writes,
 * every other client recording when each write reaches it.
 *
 * Figures: end-to-end latency percentiles over all deliveries; deliveries against the expected
 * (clientsPerRoom - 1) × writes × rooms; server CPU time per 1,000 deliveries over the write
 * window (from the first write until the last delivery), of all its threads and of its main
 * thread alone (the rest: the garbage collector's helpers, libuv's thread pool with the log's
 * fsync, any worker); server memory per connection
 * (resident memory after connecting everyone minus before, divided by the connections).
 */
import { cpuTimeMs, rssBytes } from '../proc-stats.ts';
import { sleep } from '../processes.ts';
import { mergeSorted, percentile } from '../stats.ts';
import type { ClientSpec } from '../worker-protocol.ts';
import type { Measures, MetricSpec, ScenarioContext } from './scenario.ts';

export interface FanOutPlan {
	rooms: number;
	clientsPerRoom: number;
	writesPerWriter: number;
	writesPerSecond: number;
	/** Room names start with this. */
	roomPrefix: string;
}

export const fanOutMetrics: readonly MetricSpec[] = [
	{ key: 'p50', label: 'latency p50 (ms)', digits: 1 },
	{ key: 'p95', label: 'latency p95 (ms)', digits: 1 },
	// Latency is judged against the in-memory stock server, CPU against the same with its durable
	// store (issue 14's decision: what we spend on durability is judged against what durability
	// costs the reference; the in-memory CPU ratio is printed beside it without a goal).
	{
		key: 'p99',
		label: 'latency p99 (ms)',
		digits: 1,
		goal: { kind: 'ratio-at-most', ratio: 1.25, against: 'reference' }
	},
	{ key: 'max', label: 'latency max (ms)', digits: 1 },
	{ key: 'delivered', label: 'deliveries', digits: 0 },
	{ key: 'expected', label: 'deliveries expected', digits: 0 },
	{ key: 'lost', label: 'lost deliveries (worst run)', digits: 0, goal: { kind: 'zero' }, combine: 'max' },
	{
		key: 'cpuPer1k',
		label: 'server CPU per 1,000 deliveries (ms)',
		digits: 1,
		goal: { kind: 'ratio-at-most', ratio: 1, against: 'durable' }
	},
	{ key: 'cpuMainPer1k', label: '  of which on its main thread (ms)', digits: 1 },
	{ key: 'memPerConnKB', label: 'server memory per connection (KB)', digits: 1 },
	{ key: 'connectMs', label: 'time to connect and sync all clients (ms)', digits: 0 },
	{ key: 'unexpectedCloses', label: 'connections dropped (worst run)', digits: 0, combine: 'max' }
];

/**
 * After the last write, deliveries still arriving are late, not lost: wait while they keep
 * coming, and count what is missing as lost only once nothing has arrived for this long.
 */
const STALL_MS = 5_000;
/** …or once this much time has passed since the last write, whatever is still arriving. */
const DRAIN_LIMIT_MS = 120_000;
/** Let the connection storm settle before reading memory and starting the clock. */
const SETTLE_MS = 1_500;

export async function measureFanOut(plan: FanOutPlan, ctx: ScenarioContext): Promise<Measures> {
	const { server, pool } = ctx;
	const params = await server.clientParams();
	const perWorker: ClientSpec[][] = pool.workers.map(() => []);
	let g = 0;
	for (let r = 0; r < plan.rooms; r++) {
		for (let c = 0; c < plan.clientsPerRoom; c++, g++) {
			// Round-robin over the processes, so every process hosts writers and receivers alike.
			perWorker[g % pool.size]!.push({
				key: `r${r}c${c}`,
				providerUrl: server.providerUrl,
				room: `${plan.roomPrefix}-${r}`,
				params,
				writer: c === 0
			});
		}
	}
	const connections = plan.rooms * plan.clientsPerRoom;
	const expected = plan.rooms * (plan.clientsPerRoom - 1) * plan.writesPerWriter;

	const rssBefore = rssBytes(server.pid);
	const t0 = performance.now();
	await Promise.all(
		pool.workers.map((w, i) => w.ask({ type: 'connect', clients: perWorker[i]!, batchSize: 25 }, 'connected'))
	);
	const connectMs = performance.now() - t0;
	await sleep(SETTLE_MS);
	const rssAfter = rssBytes(server.pid);
	ctx.log(`${connections} clients connected and synced in ${Math.round(connectMs)} ms`);

	const stopRecording = await ctx.recordWindow?.();
	await pool.all({ type: 'measure-start' }, 'ok');
	const cpuBefore = cpuTimeMs(server.pid);
	const mainBefore = cpuTimeMs(server.pid, server.pid);
	await pool.all({ type: 'write', count: plan.writesPerWriter, perSecond: plan.writesPerSecond }, 'written');
	const writtenAt = performance.now();
	let lastCount = -1;
	let lastChange = writtenAt;
	for (;;) {
		const progress = await pool.all({ type: 'progress' }, 'progress');
		const soFar = progress.reduce((n, p) => n + p.received, 0);
		const t = performance.now();
		if (soFar !== lastCount) {
			lastCount = soFar;
			lastChange = t;
		}
		if (soFar >= expected || t - lastChange > STALL_MS || t - writtenAt > DRAIN_LIMIT_MS) break;
		await sleep(20);
	}
	const cpuAfter = cpuTimeMs(server.pid);
	const mainAfter = cpuTimeMs(server.pid, server.pid);
	await stopRecording?.();
	const collected = await pool.all({ type: 'collect' }, 'collected');
	await pool.all({ type: 'disconnect' }, 'ok');

	const latencies = mergeSorted(collected.map((c) => c.latencies));
	const delivered = latencies.length;
	return {
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		max: percentile(latencies, 100),
		delivered,
		expected,
		lost: expected - delivered,
		cpuPer1k: delivered > 0 ? (cpuAfter - cpuBefore) / (delivered / 1000) : NaN,
		cpuMainPer1k: delivered > 0 ? (mainAfter - mainBefore) / (delivered / 1000) : NaN,
		memPerConnKB: (rssAfter - rssBefore) / connections / 1024,
		connectMs,
		unexpectedCloses: collected.reduce((n, c) => n + c.unexpectedCloses, 0)
	};
}
