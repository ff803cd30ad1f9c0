/**
 * Users: who they are, and the repository that stores them (async, so that a database server
 * can implement it; server/identity/sqlite/users.ts is the embedded one, and every implementation
 * passes tests/identity/user-repository-contract.ts). Password hashes never leave it except
 * through `passwordHashOf`, used only by login.
 */
import type { UserChanges } from '#domain/api/users';
import type { Role } from '#domain/vocabulary';

export interface User {
	id: string;
	username: string;
	displayName: string;
	orgId: string;
	role: Role;
	active: boolean;
	/** Created by demo mode (its password is published). */
	demo: boolean;
	createdAt: number;
	updatedAt: number;
}

/** What the repository stores for a new user (the password already hashed). */
export interface NewUserRecord {
	username: string;
	displayName: string;
	orgId: string;
	role: Role;
	passwordHash: string;
	demo?: boolean;
}

export class UsernameTakenError extends Error {
	override readonly name = 'UsernameTakenError';
}

export interface UserRepository {
	/**
	 * Stores a new, active user under a new id. Usernames are unique whatever their case: a
	 * taken one is refused with UsernameTakenError.
	 */
	create(user: NewUserRecord): Promise<User>;
	byId(id: string): Promise<User | undefined>;
	/** The user of this username, whatever its case. */
	byUsername(username: string): Promise<User | undefined>;
	passwordHashOf(id: string): Promise<string | undefined>;
	/** Every user, by username. */
	list(): Promise<User[]>;
	count(): Promise<number>;
	countActiveAdmins(): Promise<number>;
	/** Changes the given fields (and the time of the change); the user as changed, if it exists. */
	update(id: string, changes: UserChanges): Promise<User | undefined>;
	setPasswordHash(id: string, hash: string): Promise<void>;
}
