/** The `identity_secrets` table in PostgreSQL: a SecretRepository. */
import { randomBytes } from 'node:crypto';
import type { PgPool } from '../../store/postgres/database.ts';
import type { SecretRepository } from '../secrets.ts';

export class PgSecretRepository implements SecretRepository {
	constructor(private readonly pool: PgPool) {}

	async secret(name: string): Promise<Buffer> {
		// Nodes asking at once: the first insert wins, the others' conflict and read it.
		await this.pool.query(
			'INSERT INTO identity_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
			[name, randomBytes(32)]
		);
		const res = await this.pool.query<{ value: Buffer }>(
			'SELECT value FROM identity_secrets WHERE name = $1',
			[name]
		);
		return res.rows[0]!.value;
	}
}
