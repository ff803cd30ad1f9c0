/**
 * One node at a time runs the part of its start that seeds what an empty database lacks (the
 * organisations, the demo accounts, the demo incident and registers): a session-level advisory
 * lock per schema, held on one connection of the pool while `fn` runs. A second node starting at
 * the same moment waits, then finds the seed in place (each seeding step re-checks what is
 * there). A node that dies holding it loses its connection, and PostgreSQL releases the lock.
 */
import type { PgPool } from './database.ts';

export async function underStartLock<T>(
	pool: PgPool,
	schema: string,
	fn: () => Promise<T>,
	waiting: () => void = () => {}
): Promise<T> {
	const key = `sitroom-start:${schema}`;
	const client = await pool.connect();
	let broken = false;
	try {
		const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
		if (!got.rows[0]?.ok) {
			waiting();
			await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
		}
		try {
			return await fn();
		} finally {
			await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => {
				// The connection is gone or broken: dropping it releases the lock.
				broken = true;
			});
		}
	} catch (err) {
		broken = true;
		throw err;
	} finally {
		client.release(broken);
	}
}
