/** Identity's repositories on the embedded SQLite database (migrated with ./schema.ts). */
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type { IdentityRepositories } from '../repositories.ts';
import { SqliteOrganisationRepository } from './organisations.ts';
import { SqliteSecretRepository } from './secrets.ts';
import { SqliteSessionRepository } from './sessions.ts';
import { SqliteUserRepository } from './users.ts';

export function sqliteIdentityRepositories(db: SqliteDatabase): IdentityRepositories {
	return {
		organisations: new SqliteOrganisationRepository(db),
		users: new SqliteUserRepository(db),
		sessions: new SqliteSessionRepository(db),
		secrets: new SqliteSecretRepository(db)
	};
}
