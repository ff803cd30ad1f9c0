/**
 * Before every second-wave feature had a PostgreSQL repository, a server on PostgreSQL kept those
 * features' tables in a SQLite file of its own, `DATA_DIR/sitroom-features.db` (one node only).
 * Nothing creates that file any more. Where one is still there at start, its photo records move
 * into PostgreSQL (idempotent: a record already there is kept), and the rows of the features that
 * were not moved (warnings, duty rosters, registers) are counted so the server can say so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AttachmentRepository } from '../attachments/attachment-repository.ts';
import { allAttachmentRecords } from '../attachments/sqlite/attachment-repository.ts';
import type { Logger } from '../log.ts';
import { openDatabase } from '../store/sqlite/database.ts';

export const LEGACY_SIDE_FILE = 'sitroom-features.db';

/** Tables an older version kept in the side file, of features whose rows are not moved. */
const NOT_MOVED = ['warnings', 'duty_shifts', 'register_rows'] as const;

export async function takeOverLegacySideFile(
	dataDir: string,
	attachments: AttachmentRepository,
	log: Logger
): Promise<void> {
	const file = path.join(dataDir, LEGACY_SIDE_FILE);
	if (!fs.existsSync(file)) return;
	const db = openDatabase({ file, migrations: [] });
	try {
		let moved = 0;
		for (const record of allAttachmentRecords(db)) {
			if ((await attachments.add(record)).created) moved++;
		}
		if (moved > 0) log.info({ file: LEGACY_SIDE_FILE, records: moved }, 'photo records moved to PostgreSQL');
		const stranded: Record<string, number> = {};
		for (const table of NOT_MOVED) {
			const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
			const n = exists ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0;
			if (n > 0) stranded[table] = n;
		}
		if (Object.keys(stranded).length > 0)
			log.warn(
				{ file: LEGACY_SIDE_FILE, rows: stranded },
				'this SQLite file holds rows of an older version (warnings, duty rosters, registers) that now live in PostgreSQL; they were not moved and are not read'
			);
	} finally {
		db.close();
	}
}
