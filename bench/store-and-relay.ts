/**
 * Measures the parts several nodes stand on, one at a time, on this machine: the PostgreSQL
 * document log (an awaited append's latency; throughput of concurrent appends over many rooms,
 * group-committed) beside the SQLite log with the server's settings, and the Redis relay (publish
 * to receive, one message at a time). Not part of `npm run bench`:
 * `npx tsx bench/store-and-relay.ts` (PostgreSQL at TEST_DATABASE_URL, redis-server installed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { RedisRelay } from '../server/cluster/redis-relay.ts';
import type { AppendEntry, DocStore } from '../server/store/doc-store.ts';
import { openPgPool } from '../server/store/postgres/database.ts';
import { PgDocStore } from '../server/store/postgres/pg-doc-store.ts';
import { docLogPgMigrations } from '../server/store/postgres/schema.ts';
import { openDatabase } from '../server/store/sqlite/database.ts';
import { docLogMigrations } from '../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../server/store/sqlite/sqlite-doc-store.ts';
import { startRedis } from '../tests/helpers/redis.ts';
import { percentile } from './stats.ts';

const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.N ?? 2000);
const update = new Uint8Array(120).fill(7);
const entry = (room: string): AppendEntry => ({
	room,
	update,
	at: Date.now(),
	userId: 'u',
	orgId: 'o',
	connectionId: 'c'
});

const ms = (xs: number[]): string => {
	const s = [...xs].sort((a, b) => a - b);
	return `p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms`;
};

async function measureStore(name: string, store: DocStore): Promise<void> {
	const lat: number[] = [];
	for (let i = 0; i < N; i++) {
		const t0 = performance.now();
		await store.append([entry('one-room')]);
		lat.push(performance.now() - t0);
	}
	console.log(`${name}: awaited append, one at a time (${N}): ${ms(lat)}`);
	const t0 = performance.now();
	const cpu0 = process.cpuUsage();
	await Promise.all(Array.from({ length: N * 5 }, (_, i) => store.append([entry(`room-${i % 50}`)])));
	const secs = (performance.now() - t0) / 1000;
	const cpu = process.cpuUsage(cpu0);
	console.log(
		`${name}: ${N * 5} concurrent appends over 50 rooms: ${((N * 5) / secs) | 0}/s, node CPU ${(((cpu.user + cpu.system) / 1000 / (N * 5)) * 1000).toFixed(1)} ms per 1,000`
	);
}

const schema = `bench_${process.pid}`;
const pool = await openPgPool({ url: URL, schema, migrations: docLogPgMigrations });
try {
	const store = new PgDocStore(pool);
	await measureStore('PostgreSQL', store);
	await store.close();
} finally {
	await pool.end();
	const c = new pg.Client({ connectionString: URL });
	await c.connect();
	await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
	await c.end();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sqlite-'));
const file = path.join(dir, 'sitroom.db');
const db = openDatabase({ file, migrations: docLogMigrations });
const sqlite = new SqliteDocStore(db, { file, syncIntervalMs: 100 });
await measureStore('SQLite (server settings, fsync interval 100 ms)', sqlite);
await sqlite.close();
db.close();
fs.rmSync(dir, { recursive: true, force: true });

const redis = await startRedis();
const a = await RedisRelay.connect({ url: redis.url });
const b = await RedisRelay.connect({ url: redis.url });
const lat: number[] = [];
let waiting: ((seq: number) => void) | null = null;
await b.subscribe('bench', (seq) => waiting?.(seq));
for (let i = 1; i <= N; i++) {
	const t0 = performance.now();
	const got = new Promise<number>((r) => (waiting = r));
	await a.publish('bench', i, update);
	await got;
	lat.push(performance.now() - t0);
}
console.log(`Redis relay: publish to receive, one at a time (${N}, 128-byte messages): ${ms(lat)}`);
await a.close();
await b.close();
await redis.stop();
console.log(
	`machine: ${os.cpus().length} cores, load average ${os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' ')}`
);
