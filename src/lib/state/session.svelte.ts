/**
 * Who is logged in, for every page: loaded once per page load, replaced on login, cleared on
 * logout (which also closes the realtime socket, so no room keeps the old identity).
 */
import type { Actor } from '$lib/domain/actor';
import type { Session } from '$lib/domain/api/session';
import type { PublicUser } from '$lib/domain/api/users';
import { actorOf, fetchSession, login, logout } from '../api/session.ts';
import { NETWORK_ERROR } from '../api/client.ts';
import { ApiError } from '$lib/domain/api/errors';
import { forgetIdentity, rememberedIdentity, rememberIdentity } from '../offline/identity.ts';
import { closeAppSocket } from '../realtime/socket.ts';

class SessionState {
	#session = $state<Session | null>(null);
	#loaded = $state(false);
	#offline = $state(false);
	#loading: Promise<Session | null> | null = null;

	get user(): PublicUser | null {
		return this.#session?.user ?? null;
	}
	get actor(): Actor | null {
		return this.#session ? actorOf(this.#session.user) : null;
	}
	/** True once the session is known: answered by the server, or remembered on this device. */
	get loaded(): boolean {
		return this.#loaded;
	}
	/**
	 * The page works as the person who last used this device, not (yet) confirmed by the server:
	 * it opened with no network, or the server's answer is still on its way. Their rooms and
	 * outbox open; the server judges every change when it arrives.
	 */
	get offline(): boolean {
		return this.#offline;
	}

	/**
	 * Loads the session once; later calls share the first answer. When this device remembers who
	 * used it last, the page starts at once as them (on a slow link the session request is a whole
	 * round trip before anything shows) and the server's answer follows: another person or nobody
	 * replaces them (the layout then sends to the login page), no network keeps them.
	 */
	load(): Promise<Session | null> {
		if (this.#loading) return this.#loading;
		const known = rememberedIdentity();
		const asked = fetchSession().then(
			(s) => {
				this.#session = s;
				this.#loaded = true;
				this.#offline = false;
				if (s) rememberIdentity(s.user);
				return s;
			},
			(err: unknown) => {
				if (known && this.#session?.user.id === known.id) {
					// No network (or a failing server): go on as the person remembered. No CSRF token, so
					// nothing state-changing goes over REST until the server answers again.
					if (!(err instanceof ApiError && err.code === NETWORK_ERROR))
						console.warn('sitroom: the session could not be checked', err);
					return this.#session;
				}
				this.#loading = null;
				throw err;
			}
		);
		if (!known) {
			this.#loading = asked;
			return asked;
		}
		const s: Session = { user: known, csrfToken: '', expiresAt: 0 };
		this.#session = s;
		this.#loaded = true;
		this.#offline = true;
		this.#loading = Promise.resolve(s);
		asked.then(
			(answer) => {
				if (answer) this.#loading = Promise.resolve(answer);
				else this.#loading = Promise.resolve(null);
			},
			() => {
				// Kept as the person remembered (see above).
			}
		);
		return this.#loading;
	}

	/**
	 * Asks the server again after the page worked offline: a live session gives back the CSRF token
	 * REST writes need. Returns false when the session is gone (expired or revoked while offline);
	 * the identity stays, so the person can sign in again without losing what waits.
	 */
	async recheck(): Promise<boolean> {
		const s = await fetchSession();
		if (!s) return false;
		rememberIdentity(s.user);
		this.#session = s;
		this.#offline = false;
		this.#loading = Promise.resolve(s);
		return true;
	}

	/**
	 * Signs the same person in again (the session expired while they worked offline) without
	 * closing the realtime socket: the rooms on it reconnect with the new session cookie and send
	 * what waits in their outbox.
	 */
	async renew(password: string): Promise<void> {
		const username = this.user?.username;
		if (!username) throw new Error('nobody to sign in again');
		const s = await login(username, password);
		rememberIdentity(s.user);
		this.#session = s;
		this.#offline = false;
		this.#loading = Promise.resolve(s);
	}

	async login(username: string, password: string): Promise<PublicUser> {
		const s = await login(username, password);
		// The socket may have connected anonymously (or as someone else): reconnect as this user.
		closeAppSocket();
		rememberIdentity(s.user);
		this.#session = s;
		this.#loaded = true;
		this.#offline = false;
		this.#loading = Promise.resolve(s);
		return s.user;
	}

	async logout(): Promise<void> {
		try {
			await logout();
		} finally {
			closeAppSocket();
			forgetIdentity();
			this.#session = null;
			this.#loading = Promise.resolve(null);
		}
	}
}

export const session = new SessionState();
