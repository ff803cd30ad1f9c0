/** The `identity_secrets` table: the embedded SecretRepository. */
import { randomBytes } from 'node:crypto';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type { SecretRepository } from '../secrets.ts';

export class SqliteSecretRepository implements SecretRepository {
	constructor(private readonly db: SqliteDatabase) {}

	async secret(name: string): Promise<Buffer> {
		this.db
			.prepare('INSERT OR IGNORE INTO identity_secrets (name, value) VALUES (?, ?)')
			.run(name, randomBytes(32));
		return (
			this.db.prepare('SELECT value FROM identity_secrets WHERE name = ?').get(name) as { value: Buffer }
		).value;
	}
}
