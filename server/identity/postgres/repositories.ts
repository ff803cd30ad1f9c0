/** Identity's repositories on PostgreSQL (migrated with ./schema.ts). */
import type { PgPool } from '../../store/postgres/database.ts';
import type { IdentityRepositories } from '../repositories.ts';
import { PgOrganisationRepository } from './organisations.ts';
import { PgSecretRepository } from './secrets.ts';
import { PgSessionRepository } from './sessions.ts';
import { PgUserRepository } from './users.ts';

export function pgIdentityRepositories(pool: PgPool): IdentityRepositories {
	return {
		organisations: new PgOrganisationRepository(pool),
		users: new PgUserRepository(pool),
		sessions: new PgSessionRepository(pool),
		secrets: new PgSecretRepository(pool)
	};
}
