/** The `users` table in PostgreSQL: a UserRepository. */
import { randomUUID } from 'node:crypto';
import type { UserChanges } from '#domain/api/users';
import type { Role } from '#domain/vocabulary';
import type { PgPool } from '../../store/postgres/database.ts';
import { UsernameTakenError, type NewUserRecord, type User, type UserRepository } from '../users.ts';

interface UserRow {
	id: string;
	username: string;
	display_name: string;
	org_id: string;
	role: string;
	active: boolean;
	demo: boolean;
	created_at: number;
	updated_at: number;
}

const toUser = (r: UserRow): User => ({
	id: r.id,
	username: r.username,
	displayName: r.display_name,
	orgId: r.org_id,
	role: r.role as Role,
	active: r.active,
	demo: r.demo,
	createdAt: r.created_at,
	updatedAt: r.updated_at
});

const COLUMNS: Record<keyof UserChanges, string> = {
	displayName: 'display_name',
	orgId: 'org_id',
	role: 'role',
	active: 'active'
};

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

export class PgUserRepository implements UserRepository {
	constructor(private readonly pool: PgPool) {}

	async create(u: NewUserRecord): Promise<User> {
		const now = Date.now();
		try {
			const res = await this.pool.query<UserRow>(
				`INSERT INTO users (id, username, display_name, org_id, role, password_hash, active, demo, created_at, updated_at)
				 VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $8) RETURNING *`,
				[randomUUID(), u.username, u.displayName, u.orgId, u.role, u.passwordHash, u.demo ?? false, now]
			);
			return toUser(res.rows[0]!);
		} catch (err) {
			if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
				throw new UsernameTakenError(`the username "${u.username}" is taken`);
			}
			throw err;
		}
	}

	async byId(id: string): Promise<User | undefined> {
		const res = await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
		return res.rows[0] && toUser(res.rows[0]);
	}

	async byUsername(username: string): Promise<User | undefined> {
		const res = await this.pool.query<UserRow>('SELECT * FROM users WHERE lower(username) = lower($1)', [
			username
		]);
		return res.rows[0] && toUser(res.rows[0]);
	}

	async passwordHashOf(id: string): Promise<string | undefined> {
		const res = await this.pool.query<{ password_hash: string }>(
			'SELECT password_hash FROM users WHERE id = $1',
			[id]
		);
		return res.rows[0]?.password_hash;
	}

	async list(): Promise<User[]> {
		// As SQLite's NOCASE column sorts: by the name whatever its case, bytewise.
		const res = await this.pool.query<UserRow>(
			'SELECT * FROM users ORDER BY lower(username) COLLATE "C", username COLLATE "C"'
		);
		return res.rows.map(toUser);
	}

	async count(): Promise<number> {
		const res = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM users');
		return res.rows[0]!.n;
	}

	async countActiveAdmins(): Promise<number> {
		const res = await this.pool.query<{ n: number }>(
			"SELECT count(*) AS n FROM users WHERE role = 'admin' AND active"
		);
		return res.rows[0]!.n;
	}

	async update(id: string, changes: UserChanges): Promise<User | undefined> {
		const cols: string[] = [];
		const values: Array<string | boolean | number> = [];
		for (const key of Object.keys(COLUMNS) as Array<keyof UserChanges>) {
			const v = changes[key];
			if (v === undefined) continue;
			values.push(v);
			cols.push(`${COLUMNS[key]} = $${values.length}`);
		}
		values.push(Date.now());
		cols.push(`updated_at = $${values.length}`);
		values.push(id);
		const res = await this.pool.query<UserRow>(
			`UPDATE users SET ${cols.join(', ')} WHERE id = $${values.length} RETURNING *`,
			values
		);
		return res.rows[0] && toUser(res.rows[0]);
	}

	async setPasswordHash(id: string, hash: string): Promise<void> {
		await this.pool.query('UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3', [
			hash,
			Date.now(),
			id
		]);
	}
}
