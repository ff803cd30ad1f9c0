/**
 * Opens a PostgreSQL connection pool (node-postgres) and brings its schema up to date: the server
 * database every store uses when DATABASE_URL is set. Each feature registers its migrations by
 * name in its own `postgres/schema.ts`, as with SQLite (../sqlite/database.ts); they run in order,
 * once, tracked in the `migrations` table.
 *
 * Migrations are safe to run twice and from several nodes at once: the runner holds a
 * transaction-level advisory lock (MIGRATION_LOCK) while it reads what was applied and applies
 * the rest, so a second node starting at the same moment waits, then finds them applied.
 */
import pg from 'pg';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;
/** Anything that runs a query: the pool, or one client inside a transaction. */
export type PgQueryable = Pick<pg.Pool, 'query'>;

export interface PgMigration {
	/** Unique, stable, ordered within its module: "docs/001-log". */
	id: string;
	sql: string;
}

/** The advisory lock key migrations hold ("sitroom" in ASCII, as a 64-bit number). */
export const MIGRATION_LOCK = 0x73_69_74_72_6f_6f_6dn;

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Type parsers of the pool: BIGINT columns (sequence numbers, epoch milliseconds) come back as
 * numbers, not strings. Every value the stores keep there is below 2^53.
 */
const types = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
		return pg.types.getTypeParser(oid, format);
	}
} as pg.CustomTypesConfig;

export interface PgOpenOptions {
	/** postgres://user@host:port/database */
	url: string;
	/** A schema to work in (created if missing): tests give each run its own. Default `public`. */
	schema?: string;
	/** How the connections name themselves in pg_stat_activity; default "sitroom". */
	applicationName?: string;
	/** Connections in the pool; default 10. */
	max?: number;
	/**
	 * Tests only: commits return before PostgreSQL flushes them (synchronous_commit=off), which
	 * makes a fresh schema per test case cheap. Never for a server: "saved" means on disk.
	 */
	unsafeNoSync?: boolean;
	migrations: readonly PgMigration[];
}

/** A schema name as an SQL identifier; only letters, digits and underscores are accepted. */
export function schemaIdentifier(schema: string): string {
	if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
	return `"${schema}"`;
}

export async function openPgPool(opts: PgOpenOptions): Promise<PgPool> {
	const schema = opts.schema ?? null;
	const settings = [
		...(schema ? [`-c search_path=${schemaIdentifier(schema)}`] : []),
		...(opts.unsafeNoSync ? ['-c synchronous_commit=off'] : [])
	];
	const pool = new pg.Pool({
		connectionString: opts.url,
		max: opts.max ?? 10,
		application_name: opts.applicationName ?? 'sitroom',
		types,
		// Fail a query on a database that does not answer, rather than waiting forever.
		connectionTimeoutMillis: 5000,
		...(settings.length > 0 ? { options: settings.join(' ') } : {})
	});
	// An idle client whose server went away emits 'error' on the pool; without a listener that
	// would end the process. The next query gets a new connection, or fails and says why.
	pool.on('error', () => undefined);
	try {
		await migratePg(pool, opts.migrations, schema);
	} catch (err) {
		await pool.end();
		throw err;
	}
	return pool;
}

/**
 * Applies the migrations not applied yet, each in its own transaction, under MIGRATION_LOCK; with
 * `schema`, creates it first under the same lock (two nodes creating it at once would collide).
 */
export async function migratePg(
	pool: PgPool,
	migrations: readonly PgMigration[],
	schema: string | null = null
): Promise<string[]> {
	const client = await pool.connect();
	const applied: string[] = [];
	try {
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
		if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdentifier(schema)}`);
		await client.query(
			'CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)'
		);
		await client.query('COMMIT');
		for (const m of migrations) {
			await client.query('BEGIN');
			try {
				// Held to the end of this migration's transaction: one node at a time applies it.
				await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
				const done = await client.query('SELECT 1 FROM migrations WHERE id = $1', [m.id]);
				if (done.rowCount === 0) {
					await client.query(m.sql);
					await client.query('INSERT INTO migrations (id, applied_at) VALUES ($1, $2)', [m.id, Date.now()]);
					applied.push(m.id);
				}
				await client.query('COMMIT');
			} catch (err) {
				await client.query('ROLLBACK').catch(() => undefined);
				throw new Error(`migration ${m.id} failed: ${(err as Error).message}`, { cause: err });
			}
		}
	} finally {
		client.release();
	}
	return applied;
}

/**
 * Runs `work` in one transaction on one client of the pool: committed if it resolves, rolled back
 * (and the error rethrown) if it throws.
 */
export async function inTransaction<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		const result = await work(client);
		await client.query('COMMIT');
		return result;
	} catch (err) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw err;
	} finally {
		client.release();
	}
}

/** The bytes of a view as a Buffer over the same memory (node-postgres sends Buffers as bytea). */
export const bytea = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
