/** The registers' PostgreSQL repository passes the same contract as SQLite's, each case on empty tables of a fresh schema. */
import { PgRegisterRepository } from '../../server/registers/postgres/register-repository.ts';
import { registerPgMigrations } from '../../server/registers/postgres/schema.ts';
import { describePostgres, emptiedSchemaPerCase } from '../helpers/postgres.ts';
import { describeRegisterRepositoryContract } from './register-repository-contract.ts';

describePostgres('PostgreSQL', () => {
	const fresh = emptiedSchemaPerCase(registerPgMigrations);
	describeRegisterRepositoryContract('PgRegisterRepository', async () => {
		const { pool, dispose } = await fresh();
		return { repository: new PgRegisterRepository(pool), dispose };
	});
});
