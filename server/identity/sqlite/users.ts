/** The `users` table: the embedded UserRepository. */
import { randomUUID } from 'node:crypto';
import type { UserChanges } from '#domain/api/users';
import type { Role } from '#domain/vocabulary';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import { UsernameTakenError, type NewUserRecord, type User, type UserRepository } from '../users.ts';

interface UserRow {
	id: string;
	username: string;
	display_name: string;
	org_id: string;
	role: string;
	password_hash: string;
	active: number;
	demo: number;
	created_at: number;
	updated_at: number;
}

const toUser = (r: UserRow): User => ({
	id: r.id,
	username: r.username,
	displayName: r.display_name,
	orgId: r.org_id,
	role: r.role as Role,
	active: r.active === 1,
	demo: r.demo === 1,
	createdAt: r.created_at,
	updatedAt: r.updated_at
});

const COLUMNS: Record<keyof UserChanges, string> = {
	displayName: 'display_name',
	orgId: 'org_id',
	role: 'role',
	active: 'active'
};

export class SqliteUserRepository implements UserRepository {
	// Prepared once: byId runs on every authenticated request and in the audit's name lookups.
	readonly #byId;
	readonly #byUsername;

	constructor(private readonly db: SqliteDatabase) {
		this.#byId = db.prepare('SELECT * FROM users WHERE id = ?');
		// The column is COLLATE NOCASE: the comparison ignores case.
		this.#byUsername = db.prepare('SELECT * FROM users WHERE username = ?');
	}

	async create(u: NewUserRecord): Promise<User> {
		const now = Date.now();
		const id = randomUUID();
		try {
			this.db
				.prepare(
					`INSERT INTO users (id, username, display_name, org_id, role, password_hash, active, demo, created_at, updated_at)
					 VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`
				)
				.run(id, u.username, u.displayName, u.orgId, u.role, u.passwordHash, u.demo ? 1 : 0, now, now);
		} catch (err) {
			if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
				throw new UsernameTakenError(`the username "${u.username}" is taken`);
			}
			throw err;
		}
		return this.#get(id)!;
	}

	async byId(id: string): Promise<User | undefined> {
		return this.#get(id);
	}

	async byUsername(username: string): Promise<User | undefined> {
		const r = this.#byUsername.get(username) as UserRow | undefined;
		return r && toUser(r);
	}

	async passwordHashOf(id: string): Promise<string | undefined> {
		const r = this.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(id) as
			{ password_hash: string } | undefined;
		return r?.password_hash;
	}

	async list(): Promise<User[]> {
		return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
	}

	async count(): Promise<number> {
		return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
	}

	async countActiveAdmins(): Promise<number> {
		return (
			this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1").get() as {
				n: number;
			}
		).n;
	}

	async update(id: string, changes: UserChanges): Promise<User | undefined> {
		const cols: string[] = [];
		const values: Array<string | number> = [];
		for (const key of Object.keys(COLUMNS) as Array<keyof UserChanges>) {
			const v = changes[key];
			if (v === undefined) continue;
			cols.push(`${COLUMNS[key]} = ?`);
			values.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
		}
		cols.push('updated_at = ?');
		values.push(Date.now());
		this.db.prepare(`UPDATE users SET ${cols.join(', ')} WHERE id = ?`).run(...values, id);
		return this.#get(id);
	}

	async setPasswordHash(id: string, hash: string): Promise<void> {
		this.db
			.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?')
			.run(hash, Date.now(), id);
	}

	#get(id: string): User | undefined {
		const r = this.#byId.get(id) as UserRow | undefined;
		return r && toUser(r);
	}
}
