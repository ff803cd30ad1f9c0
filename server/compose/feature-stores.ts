/**
 * The repositories of the features added in the second wave (registers, warnings and the duty
 * roster) on SQLite. With the SQLite document store they share its file. Under PostgreSQL they
 * have no PostgreSQL implementation yet: they then live in their own SQLite file under DATA_DIR
 * (`sitroom-features.db`), which is right for one node only, and the server says so at start.
 * Each feature's PostgreSQL repository replaces its line here when it lands (photo records did:
 * ./postgres-stores.ts moves any a side file still holds into PostgreSQL at start).
 */
import path from 'node:path';
import type { DutyRepository } from '../duty/duty-repository.ts';
import { SqliteDutyRepository } from '../duty/sqlite/duty-repository.ts';
import { dutyMigrations } from '../duty/sqlite/schema.ts';
import type { RegisterRepository } from '../registers/repository.ts';
import { SqliteRegisterRepository } from '../registers/sqlite/register-repository.ts';
import { registerMigrations } from '../registers/sqlite/schema.ts';
import { openDatabase, type SqliteDatabase } from '../store/sqlite/database.ts';
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

/** Their own SQLite file under DATA_DIR, beside PostgreSQL (one node only). */
export function openFeatureFile(dataDir: string): { db: SqliteDatabase; repositories: FeatureRepositories } {
	const db = openDatabase({
		file: path.join(dataDir, 'sitroom-features.db'),
		migrations: FEATURE_MIGRATIONS
	});
	return { db, repositories: sqliteFeatureRepositories(db) };
}
