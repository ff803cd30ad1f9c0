/** The warnings' and the duty roster's SQLite repositories pass their contracts, on a database file. */
import fs from 'node:fs';
import path from 'node:path';
import { dutyMigrations } from '../../server/duty/sqlite/schema.ts';
import { SqliteDutyRepository } from '../../server/duty/sqlite/duty-repository.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { warningMigrations } from '../../server/warnings/sqlite/schema.ts';
import { SqliteWarningRepository } from '../../server/warnings/sqlite/warning-repository.ts';
import { describeDutyRepositoryContract } from '../duty/duty-repository-contract.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeWarningRepositoryContract } from './warning-repository-contract.ts';

function onTempFile<R>(make: (db: ReturnType<typeof openDatabase>) => R) {
	return async () => {
		const dir = tempDataDir('sitroom-warnings-');
		const db = openDatabase({
			file: path.join(dir, 'sitroom.db'),
			migrations: [...warningMigrations, ...dutyMigrations]
		});
		return {
			repo: make(db),
			async dispose() {
				db.close();
				fs.rmSync(dir, { recursive: true, force: true });
			}
		};
	};
}

describeWarningRepositoryContract(
	'SQLite',
	onTempFile((db) => new SqliteWarningRepository(db))
);
describeDutyRepositoryContract(
	'SQLite',
	onTempFile((db) => new SqliteDutyRepository(db))
);
