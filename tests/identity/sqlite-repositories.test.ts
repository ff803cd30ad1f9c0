/** Identity's SQLite repositories pass their contracts, on a database file as the server runs them. */
import fs from 'node:fs';
import path from 'node:path';
import { sqliteIdentityRepositories } from '../../server/identity/sqlite/repositories.ts';
import { identityMigrations } from '../../server/identity/sqlite/schema.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { tempDataDir } from '../helpers/server.ts';
import type { MakeIdentityRepositories } from './identity-repositories.ts';
import { describeOrganisationRepositoryContract } from './organisation-repository-contract.ts';
import { describeSecretRepositoryContract } from './secret-repository-contract.ts';
import { describeSessionRepositoryContract } from './session-repository-contract.ts';
import { describeUserRepositoryContract } from './user-repository-contract.ts';

const onTempFile: MakeIdentityRepositories = async () => {
	const dir = tempDataDir('sitroom-identity-');
	const db = openDatabase({ file: path.join(dir, 'sitroom.db'), migrations: identityMigrations });
	return {
		repositories: sqliteIdentityRepositories(db),
		async dispose() {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
};

describeOrganisationRepositoryContract('SQLite', onTempFile);
describeUserRepositoryContract('SQLite', onTempFile);
describeSessionRepositoryContract('SQLite', onTempFile);
describeSecretRepositoryContract('SQLite', onTempFile);
