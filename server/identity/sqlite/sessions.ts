/** The `sessions` table: the embedded SessionRepository. */
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type { Session, SessionRepository } from '../sessions.ts';

interface SessionRow {
	id: string;
	user_id: string;
	token_hash: string;
	previous_token_hash: string | null;
	previous_valid_until: number | null;
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

export class SqliteSessionRepository implements SessionRepository {
	// Prepared once: these run on every authenticated request and connection.
	readonly #byTokenHash;
	readonly #byPreviousTokenHash;
	readonly #byId;

	constructor(private readonly db: SqliteDatabase) {
		this.#byTokenHash = db.prepare('SELECT * FROM sessions WHERE token_hash = ?');
		this.#byPreviousTokenHash = db.prepare(
			'SELECT * FROM sessions WHERE previous_token_hash = ? AND previous_valid_until > ?'
		);
		this.#byId = db.prepare('SELECT * FROM sessions WHERE id = ?');
	}

	async insert(s: Session, tokenHash: string, address: string | null): Promise<void> {
		this.db
			.prepare(
				`INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, issued_at, last_seen_at, expires_at, revoked_at, address)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
			)
			.run(
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
			);
	}

	async byTokenHash(
		tokenHash: string,
		now: number
	): Promise<{ session: Session; current: boolean } | undefined> {
		const cur = this.#byTokenHash.get(tokenHash) as SessionRow | undefined;
		if (cur) return { session: toSession(cur), current: true };
		const prev = this.#byPreviousTokenHash.get(tokenHash, now) as SessionRow | undefined;
		return prev && { session: toSession(prev), current: false };
	}

	async byId(id: string): Promise<Session | undefined> {
		const r = this.#byId.get(id) as SessionRow | undefined;
		return r && toSession(r);
	}

	async rotate(
		id: string,
		tokenHash: string,
		previousHash: string,
		previousValidUntil: number,
		issuedAt: number
	): Promise<void> {
		this.db
			.prepare(
				`UPDATE sessions SET token_hash = ?, previous_token_hash = ?, previous_valid_until = ?, issued_at = ?, last_seen_at = ?
				 WHERE id = ?`
			)
			.run(tokenHash, previousHash, previousValidUntil, issuedAt, issuedAt, id);
	}

	async touch(id: string, at: number): Promise<void> {
		this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?').run(at, id, at);
	}

	async revoke(id: string, at: number): Promise<void> {
		this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
	}

	async revokeAllOf(userId: string, at: number): Promise<string[]> {
		return this.db.transaction(() => {
			const ids = (
				this.db
					.prepare('SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL')
					.all(userId) as Array<{ id: string }>
			).map((r) => r.id);
			this.db
				.prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
				.run(at, userId);
			return ids;
		})();
	}

	async deleteEndedBefore(before: number): Promise<number> {
		return this.db
			.prepare('DELETE FROM sessions WHERE expires_at < ? OR (revoked_at IS NOT NULL AND revoked_at < ?)')
			.run(before, before).changes;
	}
}
