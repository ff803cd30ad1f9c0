/** The SQLite client-id owner store passes the ClientOwnerStore contract, as the server runs it and in memory. */
import fs from 'node:fs';
import path from 'node:path';
import { SqliteClientOwnerStore, clientOwnerMigrations } from '../../server/guard/sqlite/client-owners.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeClientOwnerStoreContract } from './client-owner-store-contract.ts';

describeClientOwnerStoreContract('SqliteClientOwnerStore on a connection of its own', async () => {
	const dir = tempDataDir('sitroom-owners-');
	const file = path.join(dir, 'sitroom.db');
	const db = openDatabase({ file, migrations: clientOwnerMigrations });
	const store = new SqliteClientOwnerStore(db, { file });
	return {
		store,
		async dispose() {
			store.close();
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
});

describeClientOwnerStoreContract('SqliteClientOwnerStore on an in-memory database', async () => {
	const db = openDatabase({ file: ':memory:', migrations: clientOwnerMigrations });
	const store = new SqliteClientOwnerStore(db);
	return {
		store,
		async dispose() {
			store.close();
			db.close();
		}
	};
});
