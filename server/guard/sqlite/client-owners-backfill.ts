/**
 * Recovers the owners of Yjs client ids written before doc_client_owners existed, once: the first
 * user whose accepted update (in log order) wrote under an id owns it. Entries made by the server
 * itself (no connection) bind nothing, so their ids stay the server's (../client-owners.ts).
 *
 * It reads the SQLite document log's table directly, as a one-time migration of the same file.
 */
import * as Y from 'yjs';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';

const BACKFILL_ID = 'guard/003-client-owners-backfill';

/** Runs the backfill unless it ran before; returns how many bindings it made. */
export function backfillClientOwners(db: SqliteDatabase): number {
	if (db.prepare('SELECT 1 FROM migrations WHERE id = ?').get(BACKFILL_ID)) return 0;
	const hasLog = db
		.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'doc_updates'")
		.get();
	// Collected first: better-sqlite3 runs no other statement on a connection while one iterates.
	const owners = new Map<string, Map<number, string>>();
	if (hasLog) {
		const rows = db
			.prepare(
				'SELECT room, user_id, data FROM doc_updates WHERE connection_id IS NOT NULL AND user_id IS NOT NULL ORDER BY id'
			)
			.iterate() as Iterable<{ room: string; user_id: string; data: Uint8Array }>;
		for (const r of rows) {
			let ofRoom = owners.get(r.room);
			if (!ofRoom) owners.set(r.room, (ofRoom = new Map()));
			let from: Map<number, number>;
			try {
				from = Y.parseUpdateMeta(r.data).from;
			} catch {
				continue; // Every logged update decoded when it was accepted; never expected.
			}
			for (const client of from.keys()) if (!ofRoom.has(client)) ofRoom.set(client, r.user_id);
		}
	}
	let made = 0;
	const insert = db.prepare(
		'INSERT OR IGNORE INTO doc_client_owners (room, client_id, user_id, bound_at) VALUES (?, ?, ?, ?)'
	);
	db.transaction(() => {
		const at = Date.now();
		for (const [room, ofRoom] of owners) {
			for (const [client, user] of ofRoom) made += insert.run(room, client, user, at).changes;
		}
		db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)').run(BACKFILL_ID, at);
	})();
	return made;
}
