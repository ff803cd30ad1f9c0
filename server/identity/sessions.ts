/**
 * Login sessions. The cookie carries a random secret; the table stores only its SHA-256, so a
 * copy of the database cannot be replayed as cookies. A session has an absolute expiry and an
 * idle expiry, and its secret is re-issued periodically (the previous one stays valid for a
 * short grace, so requests already in flight with it are not logged out).
 *
 * Each session also has a public id (never a credential): live connections, logs and the
 * realtime tokens refer to the session by it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SqliteDatabase } from '../store/sqlite/database.ts';

export interface Session {
	id: string;
	userId: string;
	csrfToken: string;
	createdAt: number;
	issuedAt: number;
	lastSeenAt: number;
	expiresAt: number;
	revokedAt: number | null;
}

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

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

export class SessionRepository {
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

	insert(s: Session, tokenHash: string, address: string | null): void {
		this.db
			.prepare(
				`INSERT INTO sessions (id, user_id, token_hash, csrf_token, created_at, issued_at, last_seen_at, expires_at, address)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
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
				address
			);
	}

	/** The session whose current secret, or previous secret still in its grace, hashes to `tokenHash`. */
	byTokenHash(tokenHash: string, now: number): { session: Session; current: boolean } | undefined {
		const cur = this.#byTokenHash.get(tokenHash) as SessionRow | undefined;
		if (cur) return { session: toSession(cur), current: true };
		const prev = this.#byPreviousTokenHash.get(tokenHash, now) as SessionRow | undefined;
		return prev && { session: toSession(prev), current: false };
	}

	byId(id: string): Session | undefined {
		const r = this.#byId.get(id) as SessionRow | undefined;
		return r && toSession(r);
	}

	rotate(
		id: string,
		tokenHash: string,
		previousHash: string,
		previousValidUntil: number,
		issuedAt: number
	): void {
		this.db
			.prepare(
				`UPDATE sessions SET token_hash = ?, previous_token_hash = ?, previous_valid_until = ?, issued_at = ?, last_seen_at = ?
				 WHERE id = ?`
			)
			.run(tokenHash, previousHash, previousValidUntil, issuedAt, issuedAt, id);
	}

	touch(id: string, at: number): void {
		this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?').run(at, id, at);
	}

	revoke(id: string, at: number): void {
		this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
	}

	/** Revokes every open session of a user; returns their ids. */
	revokeAllOf(userId: string, at: number): string[] {
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

	/** Removes sessions that ended before `before` (kept a while for the audit of logins). */
	deleteEndedBefore(before: number): number {
		return this.db
			.prepare('DELETE FROM sessions WHERE expires_at < ? OR (revoked_at IS NOT NULL AND revoked_at < ?)')
			.run(before, before).changes;
	}
}

export interface SessionPolicy {
	maxAgeMs: number;
	idleMs: number;
	rotateMs: number;
	rotateGraceMs: number;
}

export type SessionState = 'valid' | 'expired' | 'revoked';

export type ResolvedSession =
	| {
			ok: true;
			session: Session;
			/** A new cookie secret to send, when the session was rotated. */ reissued: string | null;
	  }
	| { ok: false; state: 'expired' | 'revoked' | 'unknown' };

export class SessionManager {
	constructor(
		readonly repo: SessionRepository,
		readonly policy: SessionPolicy
	) {}

	/** A new session (login always starts a new one: the id of a session never survives a login). */
	create(userId: string, address: string | null, now = Date.now()): { session: Session; secret: string } {
		const secret = newSecret();
		const session: Session = {
			id: `ses_${randomBytes(12).toString('base64url')}`,
			userId,
			csrfToken: randomBytes(24).toString('base64url'),
			createdAt: now,
			issuedAt: now,
			lastSeenAt: now,
			expiresAt: now + this.policy.maxAgeMs,
			revokedAt: null
		};
		this.repo.insert(session, hashSecret(secret), address);
		return { session, secret };
	}

	state(s: Session, now = Date.now()): SessionState {
		if (s.revokedAt !== null) return 'revoked';
		if (now >= s.expiresAt || now - s.lastSeenAt >= this.policy.idleMs) return 'expired';
		return 'valid';
	}

	/**
	 * Resolves a cookie secret; counts as activity. With `reissue`, replaces the secret when it
	 * is due: only where the answer can set the new cookie (HTTP responses, not socket handshakes).
	 */
	resolve(secret: string, reissue: boolean, now = Date.now()): ResolvedSession {
		const found = this.repo.byTokenHash(hashSecret(secret), now);
		if (!found) return { ok: false, state: 'unknown' };
		const { session, current } = found;
		const state = this.state(session, now);
		if (state !== 'valid') return { ok: false, state };
		if (reissue && current && now - session.issuedAt >= this.policy.rotateMs) {
			const next = newSecret();
			this.repo.rotate(
				session.id,
				hashSecret(next),
				hashSecret(secret),
				now + this.policy.rotateGraceMs,
				now
			);
			return { ok: true, session: { ...session, issuedAt: now, lastSeenAt: now }, reissued: next };
		}
		this.touch(session, now);
		return { ok: true, session, reissued: null };
	}

	/** Records activity, at most a few times per idle period (a write per request is waste). */
	touch(session: Session, now = Date.now()): void {
		if (now - session.lastSeenAt >= Math.min(60_000, this.policy.idleMs / 4))
			this.repo.touch(session.id, now);
	}

	revoke(id: string): void {
		this.repo.revoke(id, Date.now());
	}
}
