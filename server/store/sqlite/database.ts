/**
 * Opens the embedded SQLite database (better-sqlite3, WAL) and brings its schema up to date.
 * One file holds the document log and the relational reference data; each module registers
 * its migrations by name and they run in order, once, tracked in the `migrations` table.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type SqliteDatabase = Database.Database;

export interface Migration {
	/** Unique, stable, ordered within its module: "docs/001-log". */
	id: string;
	sql: string;
}

export interface OpenOptions {
	/** A file path, or ':memory:'. */
	file: string;
	/**
	 * 'full' fsyncs at every commit (durable across power loss); 'normal' survives a crashed or
	 * killed process but not a power cut. Group commit keeps 'full' affordable.
	 */
	synchronous?: 'full' | 'normal';
	migrations: readonly Migration[];
}

export function openDatabase(opts: OpenOptions): SqliteDatabase {
	if (opts.file !== ':memory:') fs.mkdirSync(path.dirname(opts.file), { recursive: true });
	const db = openConnection(opts.file, opts.synchronous);
	db.pragma('foreign_keys = ON');
	migrate(db, opts.migrations);
	return db;
}

/**
 * One more connection to a database that openDatabase has already brought up to date (the
 * connections of its own that the document log, attribution and client-id owners write on). busy_timeout makes either connection wait, rather than fail,
 * while the other holds the write lock.
 */
export function openConnection(file: string, synchronous: 'full' | 'normal' = 'full'): SqliteDatabase {
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
	db.pragma('busy_timeout = 5000');
	return db;
}

function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
	db.exec('CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
	const applied = new Set(
		(db.prepare('SELECT id FROM migrations').all() as Array<{ id: string }>).map((r) => r.id)
	);
	const record = db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)');
	for (const m of migrations) {
		if (applied.has(m.id)) continue;
		db.transaction(() => {
			db.exec(m.sql);
			record.run(m.id, Date.now());
		})();
	}
}
