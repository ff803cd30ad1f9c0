/**
 * The SQLite and PostgreSQL track repositories pass the TrackRepository contract, and their team
 * interval repositories the TeamIntervalRepository contract.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PgTrackRepository } from '../../server/positions/postgres/track-repository.ts';
import { trackPgMigrations } from '../../server/positions/postgres/schema.ts';
import { trackMigrations } from '../../server/positions/sqlite/schema.ts';
import { SqliteTrackRepository } from '../../server/positions/sqlite/track-repository.ts';
import { PgTeamIntervalRepository } from '../../server/positions/postgres/team-interval-repository.ts';
import { SqliteTeamIntervalRepository } from '../../server/positions/sqlite/team-interval-repository.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { describePostgres, emptiedSchemaPerCase } from '../helpers/postgres.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeTeamIntervalContract } from './team-interval-contract.ts';
import { describeTrackRepositoryContract } from './track-repository-contract.ts';

describeTrackRepositoryContract('SqliteTrackRepository', async () => {
	const dir = tempDataDir('sitroom-tracks-');
	const db = openDatabase({ file: path.join(dir, 'sitroom.db'), migrations: trackMigrations });
	return {
		repo: new SqliteTrackRepository(db),
		async dispose() {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
});

describeTeamIntervalContract('SqliteTeamIntervalRepository', async () => {
	const dir = tempDataDir('sitroom-team-intervals-');
	const db = openDatabase({ file: path.join(dir, 'sitroom.db'), migrations: trackMigrations });
	return {
		repo: new SqliteTeamIntervalRepository(db),
		async dispose() {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
});

describePostgres('PostgreSQL', () => {
	const fresh = emptiedSchemaPerCase(trackPgMigrations);
	describeTrackRepositoryContract('PgTrackRepository', async () => {
		const { pool, dispose } = await fresh();
		return { repo: new PgTrackRepository(pool), dispose };
	});
	describeTeamIntervalContract('PgTeamIntervalRepository', async () => {
		const { pool, dispose } = await fresh();
		return { repo: new PgTeamIntervalRepository(pool), dispose };
	});
});
