/**
 * The repositories of the features added in the second wave (registers, warnings and the duty
 * roster) on SQLite, in the SQLite document store's file. Under PostgreSQL each has its own
 * PostgreSQL repository (./postgres-stores.ts); what an older version kept in a SQLite side file
 * is handled by ./legacy-side-file.ts.
 */
import type { DutyRepository } from '../duty/duty-repository.ts';
import { SqliteDutyRepository } from '../duty/sqlite/duty-repository.ts';
import { dutyMigrations } from '../duty/sqlite/schema.ts';
import type { RegisterRepository } from '../registers/repository.ts';
import { SqliteRegisterRepository } from '../registers/sqlite/register-repository.ts';
import { registerMigrations } from '../registers/sqlite/schema.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import { warningMigrations } from '../warnings/sqlite/schema.ts';
import { SqliteWarningRepository } from '../warnings/sqlite/warning-repository.ts';
import type { WarningRepository } from '../warnings/warning-repository.ts';

export interface FeatureRepositories {
	registers: RegisterRepository;
	warnings: WarningRepository;
	duty: DutyRepository;
}

export const FEATURE_MIGRATIONS = [...registerMigrations, ...warningMigrations, ...dutyMigrations];

/** On a database that has run FEATURE_MIGRATIONS. */
export function sqliteFeatureRepositories(db: SqliteDatabase): FeatureRepositories {
	return {
		registers: new SqliteRegisterRepository(db),
		warnings: new SqliteWarningRepository(db),
		duty: new SqliteDutyRepository(db)
	};
}
