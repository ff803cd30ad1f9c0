/**
 * PostgreSQL for tests: the server at TEST_DATABASE_URL (default the project machines' local
 * one, postgres://postgres@127.0.0.1:5432/test, trust auth), probed once per test file. Each store under
 * test gets a fresh schema of its own, dropped when it is disposed, so test runs (and files run
 * in parallel) never see each other's rows.
 *
 * Without a reachable server the PostgreSQL suites are skipped and say so; with
 * SITROOM_REQUIRE_POSTGRES=1 (CI: .ci/run) an unreachable server fails the run instead.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { openPgPool, type PgMigration, type PgPool } from '../../server/store/postgres/database.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | null> {
	const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
	try {
		await client.connect();
		await client.query('SELECT 1');
		return null;
	} catch (err) {
		return (err as Error).message || String(err);
	} finally {
		await client.end().catch(() => undefined);
	}
}

const unreachable = await probe();
if (unreachable !== null) {
	const why = `PostgreSQL at ${TEST_DATABASE_URL} is not reachable (${unreachable})`;
	if (process.env.SITROOM_REQUIRE_POSTGRES === '1')
		throw new Error(`${why}; SITROOM_REQUIRE_POSTGRES=1 requires it`);
	console.warn(`${why}: the PostgreSQL suites of this file are SKIPPED`);
}

/** Whether the PostgreSQL suites run. */
export const postgresAvailable = unreachable === null;

/** `describe` when PostgreSQL is reachable, `describe.skip` when not (said once, above). */
export const describePostgres = postgresAvailable ? describe : describe.skip;

/** A schema name no other run uses. */
export const freshSchemaName = (): string => `t_${process.pid}_${randomBytes(6).toString('hex')}`;

export interface TestPool {
	pool: PgPool;
	schema: string;
	/** Ends the pool and drops the schema with everything in it. */
	dispose(): Promise<void>;
}

/** A pool on a fresh schema, migrated with `migrations`. */
export async function openTestPool(
	migrations: readonly PgMigration[],
	schema = freshSchemaName()
): Promise<TestPool> {
	const pool = await openPgPool({
		url: TEST_DATABASE_URL,
		schema,
		migrations,
		max: 4,
		unsafeNoSync: true,
		applicationName: schema
	});
	return {
		pool,
		schema,
		async dispose() {
			await pool.end();
			await dropSchema(schema);
		}
	};
}

/**
 * Fresh, empty tables for each case of a suite, cheaply: the first call makes a schema for the
 * test file and migrates it; each later call empties every table (and restarts identities)
 * first. The schema is dropped after the file's tests. Cases of one file run one at a time.
 */
export function emptiedSchemaPerCase(migrations: readonly PgMigration[]): () => Promise<TestPool> {
	let shared: TestPool | null = null;
	afterAll(async () => {
		await shared?.dispose();
		shared = null;
	});
	return async () => {
		if (!shared) shared = await openTestPool(migrations);
		else {
			const tables = await shared.pool.query<{ name: string }>(
				"SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'migrations'"
			);
			if (tables.rows.length > 0) {
				await shared.pool.query(
					`TRUNCATE ${tables.rows.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE`
				);
			}
		}
		const { pool, schema } = shared;
		return { pool, schema, dispose: async () => undefined };
	};
}

/** Drops a schema made by a test (and everything in it). */
export async function dropSchema(schema: string): Promise<void> {
	const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
	await client.connect();
	try {
		await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	} finally {
		await client.end();
	}
}
