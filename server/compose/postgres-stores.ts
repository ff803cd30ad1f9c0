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
import { PgRegisterRepository } from '../registers/postgres/register-repository.ts';
import { registerPgMigrations } from '../registers/postgres/schema.ts';
import { openPgPool, type PgMigration } from '../store/postgres/database.ts';
import { PgLeases, type Lease } from '../store/postgres/leases.ts';
import { PgDocStore } from '../store/postgres/pg-doc-store.ts';
import { underStartLock } from '../store/postgres/start-lock.ts';
import { trackPgMigrations } from '../positions/postgres/schema.ts';
import { PgTrackRepository } from '../positions/postgres/track-repository.ts';
import { PgTeamIntervalRepository } from '../positions/postgres/team-interval-repository.ts';
import { docLogPgMigrations } from '../store/postgres/schema.ts';
import { FolderAttachmentFiles } from '../attachments/folder-files.ts';
import { PgDutyRepository } from '../duty/postgres/duty-repository.ts';
import { dutyPgMigrations } from '../duty/postgres/schema.ts';
import { PgWarningRepository } from '../warnings/postgres/warning-repository.ts';
import { warningPgMigrations } from '../warnings/postgres/schema.ts';
import { PgAttachmentRepository } from '../attachments/postgres/attachment-repository.ts';
import { attachmentPgMigrations } from '../attachments/postgres/schema.ts';
import { takeOverLegacySideFile } from './legacy-side-file.ts';
import type { Stores } from './stores.ts';

export const PG_MIGRATIONS: readonly PgMigration[] = [
	...docLogPgMigrations,
	...identityPgMigrations,
	...incidentPgMigrations,
	...guardPgMigrations,
	...refusalPgMigrations,
	...warningPgMigrations,
	...dutyPgMigrations,
	...registerPgMigrations,
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
		// Several nodes set the fence (who owns which room) once the cluster is up.
		let fence: ((room: string) => Lease | undefined) | null = null;
		const docs = new PgDocStore(pool, { fence: (room) => fence?.(room) });
		const clientOwners = await PgClientOwnerStore.load(pool);
		docs.participate(clientOwners);
		docs.accompany(pgRefusalCompanion);
		const storeLog = log.child({ module: 'store' });
		storeLog.info({ schema: database.schema ?? 'public' }, 'PostgreSQL stores open');
		const attachments = new PgAttachmentRepository(pool);
		await takeOverLegacySideFile(dataDir, attachments, storeLog);
		return {
			docs,
			sqlite: null,
			repositories: {
				identity: pgIdentityRepositories(pool),
				incidents: new PgIncidentRepository(pool),
				attribution: new PgAttributionStore(pool),
				clientOwners,
				refusals: new PgRefusalStore(pool),
				warnings: new PgWarningRepository(pool),
				duty: new PgDutyRepository(pool),
				registers: new PgRegisterRepository(pool),
				tracks: new PgTrackRepository(pool),
				teamIntervals: new PgTeamIntervalRepository(pool),
				attachments
			},
			attachmentFiles: new FolderAttachmentFiles(path.join(dataDir, 'attachments')),
			exclusiveStart: (fn) =>
				underStartLock(pool, database.schema ?? 'public', fn, () =>
					storeLog.info('another node is starting on this database: waiting for it to finish seeding')
				),
			cluster: {
				leases: new PgLeases(pool),
				fence: (f) => {
					fence = f;
				},
				refreshClientOwners: (room) => clientOwners.refresh(pool, room)
			},
			async close() {
				await docs.close();
				await pool.end();
			}
		};
	} catch (err) {
		await pool.end();
		throw err;
	}
}
