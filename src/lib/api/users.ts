/**
 * User administration (admins only; the server refuses anyone else): list and create accounts,
 * change a user's role, organisation, display name or active flag, and reset a password.
 * Deactivating closes the user's live connections; a reset ends their sessions.
 */
import type { PublicUser } from '../domain/actor.ts';
import type { Role } from '../domain/vocabulary.ts';
import { api } from './client.ts';

/** The server's own rule for a new password (server/api/users.ts newPasswordSchema). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
/** The server's username rule: 2–32 letters, digits, dot, dash or underscore. */
export const USERNAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{1,31}';

/** An entry of the user list: the public user and what administration needs. */
export interface UserAccount extends PublicUser {
	/** Created by demo mode: its password is published. */
	demo: boolean;
	createdAt: number;
	updatedAt: number;
}

export interface NewUser {
	username: string;
	displayName: string;
	orgId: string;
	role: Role;
	password: string;
}

export type UserChanges = Partial<Pick<UserAccount, 'displayName' | 'orgId' | 'role' | 'active'>>;

const one = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export async function listUsers(): Promise<UserAccount[]> {
	return (await api.get<{ users: UserAccount[] }>('/api/users')).users;
}

export async function createUser(input: NewUser): Promise<UserAccount> {
	return (await api.post<{ user: UserAccount }>('/api/users', input)).user;
}

export async function updateUser(id: string, changes: UserChanges): Promise<UserAccount> {
	return (await api.patch<{ user: UserAccount }>(one(id), changes)).user;
}

export async function resetPassword(id: string, password: string): Promise<void> {
	await api.post<unknown>(`${one(id)}/password`, { password });
}
