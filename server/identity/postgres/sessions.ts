/** The `sessions` table in PostgreSQL: a SessionRepository. */
import { inTransaction, type PgPool } from '../../store/postgres/database.ts';
import type { Session, SessionRepository } from '../sessions.ts';

interface SessionRow {
	id: string;
	user_id: string;
	csrf_token: string;
	created_at: number;
	issued_at: number;
	last_seen_at: number;
	expires_at: number;
	revoked_at: number | null;
}

const toSession = (r: SessionRow): Session => ({
	id: r.id,
	userId: r.user_id,
	csrfToken: r.csrf_token,
	createdAt: r.created_at,
	issuedAt: r.issued_at,
	lastSeenAt: r.last_seen_at,
	expiresAt: r.expires_at,
	revokedAt: r.revoked_at
});

export class PgSessionRepository implements SessionRepository {
	constructor(private readonly pool: PgPool) {}

	async insert(s: Session, tokenHash: string, address: string | null): Promise<void> {
		await this.pool.query(
			`INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, issued_at, last_seen_at, expires_at, revoked_at, address)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			[
				s.id,
				s.userId,
				tokenHash,
				s.csrfToken,
				s.createdAt,
				s.issuedAt,
				s.lastSeenAt,
				s.expiresAt,
				s.revokedAt,
				address
			]
		);
	}

	async byTokenHash(
		tokenHash: string,
		now: number
	): Promise<{ session: Session; current: boolean } | undefined> {
		const cur = await this.pool.query<SessionRow>('SELECT * FROM sessions WHERE token_hash = $1', [
			tokenHash
		]);
		if (cur.rows[0]) return { session: toSession(cur.rows[0]), current: true };
		const prev = await this.pool.query<SessionRow>(
			'SELECT * FROM sessions WHERE previous_token_hash = $1 AND previous_valid_until > $2',
			[tokenHash, now]
		);
		return prev.rows[0] && { session: toSession(prev.rows[0]), current: false };
	}

	async byId(id: string): Promise<Session | undefined> {
		const res = await this.pool.query<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id]);
		return res.rows[0] && toSession(res.rows[0]);
	}

	async rotate(
		id: string,
		tokenHash: string,
		previousHash: string,
		previousValidUntil: number,
		issuedAt: number
	): Promise<void> {
		await this.pool.query(
			`UPDATE sessions SET token_hash = $1, previous_token_hash = $2, previous_valid_until = $3, issued_at = $4, last_seen_at = $4
			 WHERE id = $5`,
			[tokenHash, previousHash, previousValidUntil, issuedAt, id]
		);
	}

	async touch(id: string, at: number): Promise<void> {
		await this.pool.query('UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1', [
			at,
			id
		]);
	}

	async revoke(id: string, at: number): Promise<void> {
		await this.pool.query('UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
			at,
			id
		]);
	}

	async revokeAllOf(userId: string, at: number): Promise<string[]> {
		return inTransaction(this.pool, async (c) => {
			const res = await c.query<{ id: string }>(
				'UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL RETURNING id',
				[at, userId]
			);
			return res.rows.map((r) => r.id);
		});
	}

	async deleteEndedBefore(before: number): Promise<number> {
		const res = await this.pool.query(
			'DELETE FROM sessions WHERE expires_at < $1 OR (revoked_at IS NOT NULL AND revoked_at < $1)',
			[before]
		);
		return res.rowCount ?? 0;
	}
}
