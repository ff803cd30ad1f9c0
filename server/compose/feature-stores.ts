/**
 * The repositories of the features added in the second wave (registers, warnings and the duty
 * roster, photo records) on SQLite. With the SQLite document store they share its file. Under
 * PostgreSQL they have no PostgreSQL implementation yet: they then live in their own SQLite file
 * under DATA_DIR (`sitroom-features.db`), which is right for one node only, and the server says so
 * at start. Each feature's PostgreSQL repository replaces its line here when it lands: warnings
 * and the duty roster have (warnings/postgres, duty/postgres), so the file keeps only registers
 * and photo records.
 */
import path from 'node:path';
import type { AttachmentRepository } from '../attachments/attachment-repository.ts';
import { SqliteAttachmentRepository } from '../attachments/sqlite/attachment-repository.ts';
import { attachmentMigrations } from '../attachments/sqlite/schema.ts';
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
	/** What is known of each photo; its bytes are in `Stores.attachmentFiles`. */
	attachments: AttachmentRepository;
}

export const FEATURE_MIGRATIONS = [
	...registerMigrations,
	...warningMigrations,
	...dutyMigrations,
	...attachmentMigrations
];

/** On a database that has run FEATURE_MIGRATIONS. */
export function sqliteFeatureRepositories(db: SqliteDatabase): FeatureRepositories {
	return {
		registers: new SqliteRegisterRepository(db),
		warnings: new SqliteWarningRepository(db),
		duty: new SqliteDutyRepository(db),
		attachments: new SqliteAttachmentRepository(db)
	};
}

/** The features not on PostgreSQL yet. */
export type FallbackRepositories = Pick<FeatureRepositories, 'registers' | 'attachments'>;

/**
 * Their own SQLite file under DATA_DIR, beside PostgreSQL (one node only). `strandedWarnings`
 * counts the warnings an older version kept in this file (before warnings moved to PostgreSQL):
 * they are not moved, so the server says so at start.
 */
export function openFeatureFile(dataDir: string): {
	db: SqliteDatabase;
	repositories: FallbackRepositories;
	strandedWarnings: number;
} {
	const db = openDatabase({
		file: path.join(dataDir, 'sitroom-features.db'),
		migrations: [...registerMigrations, ...attachmentMigrations]
	});
	const hasWarnings = db
		.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'warnings'")
		.get();
	const strandedWarnings = hasWarnings
		? (db.prepare('SELECT count(*) AS n FROM warnings').get() as { n: number }).n
		: 0;
	return {
		db,
		repositories: {
			registers: new SqliteRegisterRepository(db),
			attachments: new SqliteAttachmentRepository(db)
		},
		strandedWarnings
	};
}
