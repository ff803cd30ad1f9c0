/**
 * The guard's PostgreSQL stores pass the same contracts as SQLite's: attribution, refusal records,
 * and client-id owners (whose writes ride on the document log's transactions: tests/store/pg-doc-store.test.ts).
 */
import { PgAttributionStore } from '../../server/guard/postgres/attribution-store.ts';
import { PgClientOwnerStore } from '../../server/guard/postgres/client-owners.ts';
import { PgRefusalStore, refusalPgMigrations } from '../../server/guard/postgres/refusal-store.ts';
import { guardPgMigrations } from '../../server/guard/postgres/schema.ts';
import { describePostgres, emptiedSchemaPerCase } from '../helpers/postgres.ts';
import { describeAttributionStoreContract } from './attribution-store-contract.ts';
import { describeClientOwnerStoreContract } from './client-owner-store-contract.ts';
import { describeRefusalStoreContract } from './refusal-store-contract.ts';

describePostgres('PostgreSQL', () => {
	const fresh = emptiedSchemaPerCase([...guardPgMigrations, ...refusalPgMigrations]);
	describeAttributionStoreContract('PgAttributionStore', async () => {
		const { pool, dispose } = await fresh();
		return { store: new PgAttributionStore(pool), dispose };
	});
	describeClientOwnerStoreContract('PgClientOwnerStore', async () => {
		const { pool, dispose } = await fresh();
		return { store: await PgClientOwnerStore.load(pool), dispose };
	});
	describeRefusalStoreContract('PgRefusalStore', async () => {
		const { pool, dispose } = await fresh();
		return { store: new PgRefusalStore(pool), dispose };
	});
});
