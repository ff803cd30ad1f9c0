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

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Where sessions are stored (async, so that a database server can implement it;
 * server/identity/sqlite/sessions.ts is the embedded one, and every implementation passes
 * tests/identity/session-repository-contract.ts). Secrets are stored only as their hashes.
 */
export interface SessionRepository {
	insert(session: Session, tokenHash: string, address: string | null): Promise<void>;
	/** The session whose current secret, or previous secret still in its grace, hashes to `tokenHash`. */
	byTokenHash(tokenHash: string, now: number): Promise<{ session: Session; current: boolean } | undefined>;
	byId(id: string): Promise<Session | undefined>;
	/** A new current secret; the previous one stays valid until `previousValidUntil`. */
	rotate(
		id: string,
		tokenHash: string,
		previousHash: string,
		previousValidUntil: number,
		issuedAt: number
	): Promise<void>;
	/** Records activity at `at`; never moves the last activity back. */
	touch(id: string, at: number): Promise<void>;
	/** Ends a session at `at`, unless it ended before. */
	revoke(id: string, at: number): Promise<void>;
	/** Revokes every open session of a user; returns their ids. */
	revokeAllOf(userId: string, at: number): Promise<string[]>;
	/** Removes sessions that expired, or were revoked, before `before`; returns how many. */
	deleteEndedBefore(before: number): Promise<number>;
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
	async create(
		userId: string,
		address: string | null,
		now = Date.now()
	): Promise<{ session: Session; secret: string }> {
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
		await this.repo.insert(session, hashSecret(secret), address);
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
	async resolve(secret: string, reissue: boolean, now = Date.now()): Promise<ResolvedSession> {
		const found = await this.repo.byTokenHash(hashSecret(secret), now);
		if (!found) return { ok: false, state: 'unknown' };
		const { session, current } = found;
		const state = this.state(session, now);
		if (state !== 'valid') return { ok: false, state };
		if (reissue && current && now - session.issuedAt >= this.policy.rotateMs) {
			const next = newSecret();
			await this.repo.rotate(
				session.id,
				hashSecret(next),
				hashSecret(secret),
				now + this.policy.rotateGraceMs,
				now
			);
			return { ok: true, session: { ...session, issuedAt: now, lastSeenAt: now }, reissued: next };
		}
		await this.touch(session, now);
		return { ok: true, session, reissued: null };
	}

	/** Records activity, at most a few times per idle period (a write per request is waste). */
	async touch(session: Session, now = Date.now()): Promise<void> {
		if (now - session.lastSeenAt >= Math.min(60_000, this.policy.idleMs / 4))
			await this.repo.touch(session.id, now);
	}

	async revoke(id: string): Promise<void> {
		await this.repo.revoke(id, Date.now());
	}
}
