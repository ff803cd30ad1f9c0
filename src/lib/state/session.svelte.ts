/**
 * Who is logged in, for every page: loaded once per page load, replaced on login, cleared on
 * logout (which also closes the realtime socket, so no room keeps the old identity).
 */
import type { Actor } from '$lib/domain/actor';
import type { Session } from '$lib/domain/api/session';
import type { PublicUser } from '$lib/domain/api/users';
import { actorOf, fetchSession, login, logout } from '../api/session.ts';
import { closeAppSocket } from '../realtime/socket.ts';

class SessionState {
	#session = $state<Session | null>(null);
	#loaded = $state(false);
	#loading: Promise<Session | null> | null = null;

	get user(): PublicUser | null {
		return this.#session?.user ?? null;
	}
	get actor(): Actor | null {
		return this.#session ? actorOf(this.#session.user) : null;
	}
	/** True once the first GET /api/session has answered. */
	get loaded(): boolean {
		return this.#loaded;
	}

	/** Loads the session once; later calls share the first answer. */
	load(): Promise<Session | null> {
		this.#loading ??= fetchSession().then(
			(s) => {
				this.#session = s;
				this.#loaded = true;
				return s;
			},
			(err: unknown) => {
				this.#loading = null;
				throw err;
			}
		);
		return this.#loading;
	}

	async login(username: string, password: string): Promise<PublicUser> {
		const s = await login(username, password);
		// The socket may have connected anonymously (or as someone else): reconnect as this user.
		closeAppSocket();
		this.#session = s;
		this.#loaded = true;
		this.#loading = Promise.resolve(s);
		return s.user;
	}

	async logout(): Promise<void> {
		try {
			await logout();
		} finally {
			closeAppSocket();
			this.#session = null;
			this.#loading = Promise.resolve(null);
		}
	}
}

export const session = new SessionState();
