/** Identity's PostgreSQL repositories pass the same contracts as SQLite's, each case on empty tables of a fresh schema. */
import { pgIdentityRepositories } from '../../server/identity/postgres/repositories.ts';
import { identityPgMigrations } from '../../server/identity/postgres/schema.ts';
import { describePostgres, emptiedSchemaPerCase } from '../helpers/postgres.ts';
import type { MakeIdentityRepositories } from './identity-repositories.ts';
import { describeOrganisationRepositoryContract } from './organisation-repository-contract.ts';
import { describeSecretRepositoryContract } from './secret-repository-contract.ts';
import { describeSessionRepositoryContract } from './session-repository-contract.ts';
import { describeUserRepositoryContract } from './user-repository-contract.ts';

const fresh = emptiedSchemaPerCase(identityPgMigrations);
const onFreshSchema: MakeIdentityRepositories = async () => {
	const { pool, dispose } = await fresh();
	return { repositories: pgIdentityRepositories(pool), dispose };
};

describePostgres('PostgreSQL', () => {
	describeOrganisationRepositoryContract('PostgreSQL', onFreshSchema);
	describeUserRepositoryContract('PostgreSQL', onFreshSchema);
	describeSessionRepositoryContract('PostgreSQL', onFreshSchema);
	describeSecretRepositoryContract('PostgreSQL', onFreshSchema);
});
