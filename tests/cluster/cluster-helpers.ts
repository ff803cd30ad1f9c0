/**
 * Several real server processes (child-server.ts) on one fresh PostgreSQL schema and one Redis of
 * the test's own, and raw writers that record which of their edits were acknowledged.
 */
import * as Y from 'yjs';
import pg from 'pg';
import { afterEach } from 'vitest';
import { startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { connectRawSio, updateFrame, type RawSio } from '../helpers/raw-clients.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { tempDataDir } from '../helpers/server.ts';

export interface Topology {
	redis: TestRedis;
	schema: string;
	env: Record<string, string>;
	start(env?: Record<string, string>): Promise<ChildServer>;
	/** The node id holding `room`'s lease now, if any. */
	ownerOf(room: string): Promise<string | null>;
	/** The room's log as one document. */
	logged(room: string): Promise<Y.Doc>;
	query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
	dispose(): Promise<void>;
}

export async function topology(extraEnv: Record<string, string> = {}): Promise<Topology> {
	const redis = await startRedis();
	const schema = freshSchemaName();
	const env = {
		ALLOW_ADHOC_ROOMS: '1',
		DATABASE_URL: TEST_DATABASE_URL,
		DATABASE_SCHEMA: schema,
		REDIS_URL: redis.url,
		LEASE_TTL_MS: '2000',
		ROOM_IDLE_MS: '600000',
		...extraEnv
	};
	const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
	await client.connect();
	const nodes: ChildServer[] = [];
	const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> =>
		(await client.query<T>(sql.replaceAll('$schema', `"${schema}"`), params)).rows;
	return {
		redis,
		schema,
		env,
		async start(more = {}) {
			const node = await startChildServer(tempDataDir('sitroom-node-'), { ...env, ...more }, 60_000);
			nodes.push(node);
			return node;
		},
		async ownerOf(room) {
			const rows = await query<{ node: string }>(
				'SELECT node FROM $schema.room_leases WHERE room = $1 AND expires_at > clock_timestamp()',
				[room]
			);
			return rows[0]?.node ?? null;
		},
		async logged(room) {
			const rows = await query<{ data: Buffer }>(
				'SELECT data FROM $schema.doc_updates WHERE room = $1 ORDER BY seq',
				[room]
			);
			const doc = new Y.Doc();
			for (const r of rows) Y.applyUpdate(doc, new Uint8Array(r.data));
			return doc;
		},
		query,
		async dispose() {
			await Promise.all(nodes.map((n) => n.kill()));
			await client.end();
			await redis.stop();
			await dropSchema(schema);
		}
	};
}

/**
 * Inside a describe: `open` starts a topology that is disposed after the test, and anything
 * pushed on `cleanup` is undone after the test too, last first.
 */
export function topologiesPerTest(): {
	cleanup: Array<() => Promise<void> | void>;
	open(env?: Record<string, string>): Promise<Topology>;
} {
	const cleanup: Array<() => Promise<void> | void> = [];
	afterEach(async () => {
		for (const c of cleanup.splice(0).reverse()) await c();
	});
	return {
		cleanup,
		async open(env = {}) {
			const t = await topology(env);
			cleanup.push(() => t.dispose());
			return t;
		}
	};
}

/** The node id a server logged when it joined ("several nodes: this node joined"). */
export function nodeIdOf(server: ChildServer): string | undefined {
	return server.logs.find((l) => l.msg === 'several nodes: this node joined')?.node as string | undefined;
}

/** A raw Socket.IO client that writes one key at a time and records what was acknowledged. */
export interface Writer {
	raw: RawSio;
	acked: string[];
	refused: Array<{ key: string; reason: string | undefined }>;
	/** Writes `key`; resolves with the ack (null: the connection is gone). */
	write(key: string): Promise<boolean>;
}

export async function writer(url: string, room: string, cookie: string): Promise<Writer> {
	const raw = await connectRawSio(url, room, cookie);
	const doc = new Y.Doc();
	const acked: string[] = [];
	const refused: Writer['refused'] = [];
	return {
		raw,
		acked,
		refused,
		async write(key) {
			let update: Uint8Array | null = null;
			const on = (u: Uint8Array): void => void (update = u);
			doc.on('update', on);
			doc.getMap('m').set(key, key);
			doc.off('update', on);
			const ack = await raw.send(updateFrame(update!));
			if (ack?.ok) acked.push(key);
			else refused.push({ key, reason: ack ? (ack as { reason?: string }).reason : 'gone' });
			return ack?.ok === true;
		}
	};
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
