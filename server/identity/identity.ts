/**
 * The identity service: who people are (users in organisations, with a role), how they prove
 * it (password login, sessions, realtime tokens), and what happens to their live connections
 * when that changes (logout, deactivation, expiry). REST routes and transports call it; it
 * owns no HTTP.
 */
import type { NewUser, PublicUser, UserChanges } from '#domain/api/users';
import { Close, type CloseReason } from '#domain/protocol';
import type { IdentityConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { PeerIdentity } from '../rooms/peer.ts';
import { refuseAndClose } from '../rooms/refusal.ts';
import { readJurisdictionSeed, type JurisdictionSeed } from './jurisdiction-seed.ts';
import { LiveConnections, type RoomAccess, type SessionVerdict } from './live-connections.ts';
import { LoginThrottle, type LoginLimiter } from './login-throttle.ts';
import { OrganisationAdmin, seedMissingOrganisations } from './organisation-admin.ts';
import { OrganisationDirectory } from './organisations.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.ts';
import { RealtimeTokens } from './realtime-tokens.ts';
import type { IdentityRepositories } from './repositories.ts';
import { SessionManager, type Session } from './sessions.ts';
import type { User, UserRepository } from './users.ts';

export type LoginResult =
	| { ok: true; user: User; session: Session; secret: string }
	| { ok: false; error: 'invalid-credentials' }
	| { ok: false; error: 'rate-limited'; retryAfterMs: number };

/** Why a credential does not authenticate; maps onto the transports' named close reasons. */
export type AuthFailure = 'unauthenticated' | 'session-expired' | 'account-deactivated';

export type Authenticated =
	{ ok: true; user: User; session: Session; reissued: string | null } | { ok: false; reason: AuthFailure };

export class IdentityError extends Error {
	override readonly name = 'IdentityError';
	constructor(
		readonly code: 'unknown-user' | 'unknown-organisation' | 'last-admin' | 'self-deactivation',
		message: string
	) {
		super(message);
	}
}

export interface IdentityOptions {
	repositories: IdentityRepositories;
	config: IdentityConfig;
	jurisdictionDir: string;
	log: Logger;
	rooms: RoomAccess;
	/** Where failed logins are counted (several nodes: Redis); default in this process's memory. */
	throttle?: LoginLimiter;
}

export class Identity {
	readonly orgs: OrganisationDirectory;
	/** Administrators' changes of the organisation tree. */
	readonly orgAdmin: OrganisationAdmin;
	readonly users: UserRepository;
	readonly sessions: SessionManager;
	readonly tokens: RealtimeTokens;
	readonly throttle: LoginLimiter;
	readonly connections: LiveConnections;
	readonly seed: JurisdictionSeed;
	readonly config: IdentityConfig;
	#sweeper: NodeJS.Timeout;
	/** The sweep in progress, if any: a slow one is not run twice at once. */
	#sweeping: Promise<void> | null = null;
	#log: Logger;

	/**
	 * Seeds the jurisdiction's organisations not stored yet, loads their directory, reads the token key and
	 * drops sessions that ended long ago, then starts the periodic sweep of live connections.
	 */
	static async open(opts: IdentityOptions): Promise<Identity> {
		const seed = readJurisdictionSeed(opts.jurisdictionDir);
		const { organisations, users, sessions, secrets } = opts.repositories;
		const orgs = await OrganisationDirectory.load(organisations);
		await seedMissingOrganisations(orgs, seed.organisations);
		const key = await secrets.secret('realtime-token-key');
		// Ended sessions are kept a month (who logged in when), then dropped.
		await sessions.deleteEndedBefore(Date.now() - 30 * 24 * 3_600_000);
		return new Identity(opts, { seed, orgs, users, key });
	}

	private constructor(
		opts: IdentityOptions,
		ready: { seed: JurisdictionSeed; orgs: OrganisationDirectory; users: UserRepository; key: Buffer }
	) {
		this.config = opts.config;
		this.#log = opts.log.child({ module: 'identity' });
		this.seed = ready.seed;
		this.orgs = ready.orgs;
		this.users = ready.users;
		const c = opts.config;
		this.sessions = new SessionManager(opts.repositories.sessions, {
			maxAgeMs: c.sessionMaxAgeMs,
			idleMs: c.sessionIdleMs,
			rotateMs: c.sessionRotateMs,
			rotateGraceMs: c.sessionRotateGraceMs
		});
		this.tokens = new RealtimeTokens(ready.key, c.realtimeTokenTtlMs);
		this.throttle =
			opts.throttle ??
			new LoginThrottle({
				windowMs: c.loginWindowMs,
				perAccount: c.loginMaxFailuresPerAccount,
				perAddress: c.loginMaxFailuresPerAddress
			});
		this.connections = new LiveConnections(opts.rooms);
		this.orgAdmin = new OrganisationAdmin(this.orgs, this.users, this.connections, this.#log);
		this.#sweeper = setInterval(() => this.#sweep(), c.sweepMs);
		this.#sweeper.unref();
	}

	stop(): void {
		clearInterval(this.#sweeper);
	}

	/** Hooks for the room registry: track peers, and refuse joins of sessions that just ended. */
	roomHooks(): ReturnType<LiveConnections['hooks']> {
		return this.connections.hooks(async (identity) => {
			const v = identity.sessionId ? await this.#verdict(identity.sessionId) : { keep: true as const };
			if (!v.keep) throw refuseAndClose(v.reason, v.message);
		});
	}

	async login(username: string, password: string, address: string): Promise<LoginResult> {
		const retryAfterMs = await this.throttle.retryAfterMs(username, address);
		if (retryAfterMs > 0) return { ok: false, error: 'rate-limited', retryAfterMs };
		const user = await this.users.byUsername(username);
		const hash = user && (await this.users.passwordHashOf(user.id));
		// Unknown, deactivated and wrong-password logins answer alike and take alike long.
		const ok = hash ? await verifyPassword(password, hash) : await verifyAgainstDummy(password);
		if (!user || !ok || !user.active) {
			await this.throttle.recordFailure(username, address);
			this.#log.info({ username: username.slice(0, 64), address }, 'login refused');
			return { ok: false, error: 'invalid-credentials' };
		}
		await this.throttle.recordSuccess(username);
		const { session, secret } = await this.sessions.create(user.id, address);
		this.#log.info({ user: user.id, session: session.id }, 'logged in');
		return { ok: true, user, session, secret };
	}

	/** Resolves a session cookie's secret (counts as activity; `reissue`: see SessionManager.resolve). */
	async authenticateSecret(secret: string, reissue: boolean): Promise<Authenticated> {
		const r = await this.sessions.resolve(secret, reissue);
		if (!r.ok)
			return {
				ok: false,
				reason: r.state === 'unknown' || r.state === 'revoked' ? 'unauthenticated' : 'session-expired'
			};
		const user = await this.users.byId(r.session.userId);
		if (!user) return { ok: false, reason: 'unauthenticated' };
		if (!user.active) return { ok: false, reason: 'account-deactivated' };
		return { ok: true, user, session: r.session, reissued: r.reissued };
	}

	/** Resolves a realtime token (`?token=`): valid only while its session is. */
	async authenticateToken(token: string, room: string | null): Promise<Authenticated> {
		const v = this.tokens.verify(token);
		if (!v.ok) return { ok: false, reason: v.expired ? 'session-expired' : 'unauthenticated' };
		if (v.claim.room !== undefined && v.claim.room !== room) return { ok: false, reason: 'unauthenticated' };
		const session = await this.sessions.repo.byId(v.claim.sid);
		if (!session) return { ok: false, reason: 'unauthenticated' };
		const state = this.sessions.state(session);
		if (state !== 'valid')
			return { ok: false, reason: state === 'revoked' ? 'unauthenticated' : 'session-expired' };
		const user = await this.users.byId(session.userId);
		if (!user) return { ok: false, reason: 'unauthenticated' };
		if (!user.active) return { ok: false, reason: 'account-deactivated' };
		await this.sessions.touch(session);
		return { ok: true, user, session, reissued: null };
	}

	async logout(sessionId: string): Promise<void> {
		await this.sessions.revoke(sessionId);
		this.connections.closeSession(sessionId, Close.Unauthenticated, 'signed out');
	}

	publicUser(u: User): PublicUser {
		// Deactivated organisations too: a deactivated user may still be in one.
		const org = this.orgs.record(u.orgId);
		return {
			id: u.id,
			username: u.username,
			displayName: u.displayName,
			role: u.role,
			orgId: u.orgId,
			orgName: org?.name ?? u.orgId,
			township: org?.township ?? null,
			active: u.active
		};
	}

	/** What a connection or request of this user carries: the policy's Actor and display facts. */
	peerIdentity(u: User, sessionId: string | null): PeerIdentity {
		const p = this.publicUser(u);
		return {
			userId: u.id,
			role: u.role,
			orgId: u.orgId,
			township: p.township,
			username: u.username,
			displayName: u.displayName,
			orgName: p.orgName,
			sessionId
		};
	}

	async createUser(input: NewUser & { demo?: boolean }): Promise<User> {
		this.#requireOrg(input.orgId);
		const passwordHash = await hashPassword(input.password);
		return this.users.create({ ...input, passwordHash });
	}

	/**
	 * Changes a user. Deactivation ends their sessions and closes their live connections; a
	 * change of role or organisation closes live connections so they reconnect with the new
	 * identity (permissions are decided from it).
	 */
	async updateUser(id: string, changes: UserChanges, byUserId: string): Promise<User> {
		const before = await this.users.byId(id);
		if (!before) throw new IdentityError('unknown-user', `no user ${id}`);
		if (changes.orgId !== undefined) this.#requireOrg(changes.orgId);
		if (changes.active === false && id === byUserId) {
			throw new IdentityError('self-deactivation', 'an administrator cannot deactivate their own account');
		}
		const losesAdmin =
			before.role === 'admin' &&
			before.active &&
			(changes.active === false || (changes.role !== undefined && changes.role !== 'admin'));
		if (losesAdmin && (await this.users.countActiveAdmins()) <= 1) {
			throw new IdentityError('last-admin', 'this is the last active administrator; appoint another first');
		}
		const after = (await this.users.update(id, changes))!;
		if (before.active && !after.active) {
			await this.sessions.repo.revokeAllOf(id, Date.now());
			const n = this.connections.closeUser(id, Close.AccountDeactivated, 'this account was deactivated');
			this.#log.info({ user: id, by: byUserId, closed: n }, 'user deactivated');
		} else if (after.role !== before.role || after.orgId !== before.orgId) {
			this.connections.closeUser(id, Close.SessionExpired, 'your role or organisation changed; reconnect');
		}
		return after;
	}

	/** Sets a new password and ends every session of the user (the old password may be known). */
	async resetPassword(id: string, password: string): Promise<void> {
		if (!(await this.users.byId(id))) throw new IdentityError('unknown-user', `no user ${id}`);
		await this.users.setPasswordHash(id, await hashPassword(password));
		await this.sessions.repo.revokeAllOf(id, Date.now());
		this.connections.closeUser(id, Close.Unauthenticated, 'your password was reset; sign in again');
	}

	#requireOrg(orgId: string): void {
		if (!this.orgs.canHoldUsers(orgId)) {
			throw new IdentityError('unknown-organisation', `no organisation "${orgId}" that users can belong to`);
		}
	}

	async #verdict(sessionId: string): Promise<SessionVerdict> {
		const session = await this.sessions.repo.byId(sessionId);
		const close = (reason: CloseReason, message: string): SessionVerdict => ({
			keep: false,
			reason,
			message
		});
		if (!session || session.revokedAt !== null) return close(Close.Unauthenticated, 'the session has ended');
		const user = await this.users.byId(session.userId);
		if (!user) return close(Close.Unauthenticated, 'the account no longer exists');
		if (!user.active) return close(Close.AccountDeactivated, 'this account was deactivated');
		if (Date.now() >= session.expiresAt)
			return close(Close.SessionExpired, 'the session expired; sign in again');
		// A live connection is activity: a room left open on a wall screen does not idle out.
		await this.sessions.touch(session);
		return { keep: true };
	}

	#sweep(): void {
		if (this.#sweeping) return;
		this.#sweeping = this.connections
			.sweep((sid) => this.#verdict(sid))
			.catch((err: unknown) => this.#log.error({ err }, 'identity sweep failed'))
			.finally(() => {
				this.#sweeping = null;
			});
	}
}
