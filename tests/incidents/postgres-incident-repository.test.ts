/** The PostgreSQL incident repository passes the same contract as SQLite's, each case on empty tables of a fresh schema. */
import { PgIncidentRepository } from '../../server/incidents/postgres/incident-repository.ts';
import { incidentPgMigrations } from '../../server/incidents/postgres/schema.ts';
import { describePostgres, emptiedSchemaPerCase } from '../helpers/postgres.ts';
import { describeIncidentRepositoryContract } from './incident-repository-contract.ts';

describePostgres('PostgreSQL', () => {
	const fresh = emptiedSchemaPerCase(incidentPgMigrations);
	describeIncidentRepositoryContract('PgIncidentRepository', async () => {
		const { pool, dispose } = await fresh();
		return { repo: new PgIncidentRepository(pool), dispose };
	});
});
