/**
 * User administration (admins only; the server refuses anyone else): list and create accounts,
 * change a user's role, organisation, display name or active flag, and reset a password.
 * Deactivating closes the user's live connections; a reset ends their sessions.
 */
import type { NewUser, UserAccount, UserChanges } from '$lib/domain/api/users';
import { api } from './client.ts';

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
