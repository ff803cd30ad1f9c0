/** The registers' SQLite repository passes its contract, on a database file as the server runs it. */
import fs from 'node:fs';
import path from 'node:path';
import { SqliteRegisterRepository } from '../../server/registers/sqlite/register-repository.ts';
import { registerMigrations } from '../../server/registers/sqlite/schema.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeRegisterRepositoryContract } from './register-repository-contract.ts';

describeRegisterRepositoryContract('SQLite', async () => {
	const dir = tempDataDir('sitroom-registers-');
	const db = openDatabase({ file: path.join(dir, 'sitroom.db'), migrations: registerMigrations });
	return {
		repository: new SqliteRegisterRepository(db),
		async dispose() {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
});
