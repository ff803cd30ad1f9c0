/**
 * The repositories of the features added in the second wave (registers, warnings and the duty
 * roster, photo records) on SQLite. With the SQLite document store they share its file. Under
 * PostgreSQL they have no PostgreSQL implementation yet: they then live in their own SQLite file
 * under DATA_DIR (`sitroom-features.db`), which is right for one node only, and the server says so
 * at start. Each feature's PostgreSQL repository replaces its line here when it lands: registers,
 * warnings and the duty roster have (registers/postgres, warnings/postgres, duty/postgres), so the
 * file keeps only photo records.
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
export type FallbackRepositories = Pick<FeatureRepositories, 'attachments'>;

/** Tables an older version kept in the side file that now live in PostgreSQL (not moved). */
const MOVED_TABLES = ['warnings', 'duty_shifts', 'register_rows'] as const;

/**
 * Their own SQLite file under DATA_DIR, beside PostgreSQL (one node only). `stranded` counts the
 * rows an older version kept in this file of the features that have moved to PostgreSQL since:
 * they are not moved, so the server says so at start.
 */
export function openFeatureFile(dataDir: string): {
	db: SqliteDatabase;
	repositories: FallbackRepositories;
	stranded: Record<string, number>;
} {
	const db = openDatabase({
		file: path.join(dataDir, 'sitroom-features.db'),
		migrations: attachmentMigrations
	});
	const stranded: Record<string, number> = {};
	for (const table of MOVED_TABLES) {
		const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
		const n = exists ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0;
		if (n > 0) stranded[table] = n;
	}
	return { db, repositories: { attachments: new SqliteAttachmentRepository(db) }, stranded };
}
