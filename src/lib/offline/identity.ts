/**
 * Who last used the app on this device, so that a page opened with no network still knows whose
 * rooms and outbox to open (identity), while the server alone decides whether that person may
 * write once the network is back (authorisation: the socket's handshake checks the session).
 * Only the public profile is kept; never a password or token.
 */
import { PublicUserSchema, type PublicUser } from '$lib/domain/api/users';

const KEY = 'sitroom.identity';

export function rememberIdentity(user: PublicUser): void {
	try {
		localStorage.setItem(KEY, JSON.stringify(user));
	} catch {
		// Storage refused (private mode, quota): the app still works online.
	}
}

export function rememberedIdentity(): PublicUser | null {
	try {
		const raw = localStorage.getItem(KEY);
		if (!raw) return null;
		const parsed = PublicUserSchema.safeParse(JSON.parse(raw));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

export function forgetIdentity(): void {
	try {
		localStorage.removeItem(KEY);
	} catch {
		// Nothing was kept.
	}
}
