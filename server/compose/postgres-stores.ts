/**
 * The stores on PostgreSQL (DATABASE_URL): one pool, every feature's migrations run at start
 * (under an advisory lock, so two nodes starting together apply each once), the document store
 * and every repository on it. The guard's client-id bindings are written in the document log's
 * own transactions (guard/postgres/client-owners.ts).
 *
 * A feature with a new repository adds its migrations to PG_MIGRATIONS and its implementation
 * to the object below, as it does for SQLite in ./stores.ts.
 */
import path from 'node:path';
import { PgAttributionStore } from '../guard/postgres/attribution-store.ts';
import { PgClientOwnerStore } from '../guard/postgres/client-owners.ts';
import { PgRefusalStore, pgRefusalCompanion, refusalPgMigrations } from '../guard/postgres/refusal-store.ts';
import { guardPgMigrations } from '../guard/postgres/schema.ts';
import { pgIdentityRepositories } from '../identity/postgres/repositories.ts';
import { identityPgMigrations } from '../identity/postgres/schema.ts';
import { PgIncidentRepository } from '../incidents/postgres/incident-repository.ts';
import { incidentPgMigrations } from '../incidents/postgres/schema.ts';
import type { Logger } from '../log.ts';
import { openPgPool, type PgMigration } from '../store/postgres/database.ts';
import { PgDocStore } from '../store/postgres/pg-doc-store.ts';
import { trackPgMigrations } from '../positions/postgres/schema.ts';
import { PgTrackRepository } from '../positions/postgres/track-repository.ts';
import { docLogPgMigrations } from '../store/postgres/schema.ts';
import { FolderAttachmentFiles } from '../attachments/folder-files.ts';
import { PgAttachmentRepository } from '../attachments/postgres/attachment-repository.ts';
import { attachmentPgMigrations } from '../attachments/postgres/schema.ts';
import { allAttachmentRecords } from '../attachments/sqlite/attachment-repository.ts';
import { openFeatureFile } from './feature-stores.ts';
import type { Stores } from './stores.ts';

export const PG_MIGRATIONS: readonly PgMigration[] = [
	...docLogPgMigrations,
	...identityPgMigrations,
	...incidentPgMigrations,
	...guardPgMigrations,
	...refusalPgMigrations,
	...trackPgMigrations,
	...attachmentPgMigrations
];

export async function openPostgresStores(
	database: { url: string; schema: string | null },
	dataDir: string,
	log: Logger
): Promise<Stores> {
	const pool = await openPgPool({
		url: database.url,
		...(database.schema ? { schema: database.schema } : {}),
		migrations: PG_MIGRATIONS
	});
	try {
		const docs = new PgDocStore(pool);
		const clientOwners = await PgClientOwnerStore.load(pool);
		docs.participate(clientOwners);
		docs.accompany(pgRefusalCompanion);
		const storeLog = log.child({ module: 'store' });
		storeLog.info({ schema: database.schema ?? 'public' }, 'PostgreSQL stores open');
		// Not yet on PostgreSQL: these features' tables stay in a SQLite file (one node only).
		const features = openFeatureFile(dataDir);
		storeLog.warn(
			{ file: 'sitroom-features.db' },
			'registers, warnings and the duty roster are not on PostgreSQL yet: they are kept in a SQLite file under DATA_DIR, so run one node only'
		);
		const attachments = new PgAttachmentRepository(pool);
		// Photo records an older version kept in the side file move into PostgreSQL (idempotent).
		let moved = 0;
		try {
			for (const record of allAttachmentRecords(features.db)) {
				if ((await attachments.add(record)).created) moved++;
			}
		} catch (err) {
			features.db.close();
			throw err;
		}
		if (moved > 0)
			storeLog.info({ records: moved }, 'photo records moved from sitroom-features.db to PostgreSQL');
		return {
			docs,
			sqlite: null,
			repositories: {
				identity: pgIdentityRepositories(pool),
				incidents: new PgIncidentRepository(pool),
				attribution: new PgAttributionStore(pool),
				clientOwners,
				refusals: new PgRefusalStore(pool),
				tracks: new PgTrackRepository(pool),
				attachments,
				...features.repositories
			},
			attachmentFiles: new FolderAttachmentFiles(path.join(dataDir, 'attachments')),
			async close() {
				await docs.close();
				await pool.end();
				features.db.close();
			}
		};
	} catch (err) {
		await pool.end();
		throw err;
	}
}
