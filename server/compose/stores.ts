/**
 * The stores a server runs on: the document store (the SQLite file under DATA_DIR, or memory)
 * and the repositories of identity, incidents and the guard. Those live in the same SQLite
 * file, or, with the in-memory document store, in an in-memory database. With DATABASE_URL,
 * all of them live in PostgreSQL instead (./postgres-stores.ts), behind the same interfaces.
 */
import path from 'node:path';
import type { AttachmentFiles } from '../attachments/attachment-files.ts';
import type { AttachmentRepository } from '../attachments/attachment-repository.ts';
import { SqliteAttachmentRepository } from '../attachments/sqlite/attachment-repository.ts';
import { attachmentMigrations } from '../attachments/sqlite/schema.ts';
import { FolderAttachmentFiles } from '../attachments/folder-files.ts';
import type { Lease, LeaseStore } from '../cluster/leases.ts';
import type { Config } from '../config.ts';
import type { AttributionStore } from '../guard/attribution-store.ts';
import type { ClientOwnerStore } from '../guard/client-owners.ts';
import { attributionMigrations, SqliteAttributionStore } from '../guard/sqlite/attribution-store.ts';
import { backfillClientOwners } from '../guard/sqlite/client-owners-backfill.ts';
import { clientOwnerMigrations, SqliteClientOwnerStore } from '../guard/sqlite/client-owners.ts';
import type { RefusalStore } from '../guard/refusal-store.ts';
import { refusalLogCompanion, refusalMigrations, SqliteRefusalStore } from '../guard/sqlite/refusal-store.ts';
import type { IdentityRepositories } from '../identity/repositories.ts';
import { sqliteIdentityRepositories } from '../identity/sqlite/repositories.ts';
import { identityMigrations } from '../identity/sqlite/schema.ts';
import type { IncidentRepository } from '../incidents/incident-repository.ts';
import { SqliteIncidentRepository } from '../incidents/sqlite/incident-repository.ts';
import { incidentMigrations } from '../incidents/sqlite/schema.ts';
import type { Logger } from '../log.ts';
import type { DocStore } from '../store/doc-store.ts';
import { MemoryDocStore } from '../store/memory-doc-store.ts';
import { openDatabase, type SqliteDatabase } from '../store/sqlite/database.ts';
import { docLogMigrations } from '../store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../store/sqlite/sqlite-doc-store.ts';
import type { TrackRepository } from '../positions/track-repository.ts';
import { trackMigrations } from '../positions/sqlite/schema.ts';
import { SqliteTrackRepository } from '../positions/sqlite/track-repository.ts';
import type { TeamIntervalRepository } from '../positions/team-interval-repository.ts';
import { SqliteTeamIntervalRepository } from '../positions/sqlite/team-interval-repository.ts';
import { FEATURE_MIGRATIONS, sqliteFeatureRepositories, type FeatureRepositories } from './feature-stores.ts';
import { openPostgresStores } from './postgres-stores.ts';

/** The relational stores, each behind its interface (async, but for the client-id owners). */
export interface Repositories extends FeatureRepositories {
	identity: IdentityRepositories;
	incidents: IncidentRepository;
	attribution: AttributionStore;
	/** Synchronous on purpose: server/guard/client-owners.ts says why. */
	clientOwners: ClientOwnerStore;
	/** Written with the update log's entries (the document store's companion); read here. */
	refusals: RefusalStore;
	/** Position tracks: every fix members shared. */
	tracks: TrackRepository;
	/** Each team's position-sharing interval, as a commander or its leader chose it. */
	teamIntervals: TeamIntervalRepository;
	/** What is known of each photo; its bytes are in `Stores.attachmentFiles`. */
	attachments: AttachmentRepository;
}

export interface Stores {
	docs: DocStore;
	/** The database in the SQLite file, or null with the in-memory document store or PostgreSQL. */
	sqlite: SqliteDatabase | null;
	repositories: Repositories;
	/** The bytes of photos: a folder under DATA_DIR (also with the in-memory document store). */
	attachmentFiles: AttachmentFiles;
	/** With PostgreSQL: what several nodes need of the stores (null with SQLite or memory). */
	cluster?: ClusterStores;
	/**
	 * Runs the seeding part of a start (organisations, demo accounts, demo incident and registers)
	 * alone: with PostgreSQL, nodes starting at the same moment take turns (an advisory lock); one
	 * SQLite file has one server, which just runs it.
	 */
	exclusiveStart<T>(fn: () => Promise<T>): Promise<T>;
	/** Commits what the document store holds and closes every store; after the rooms closed. */
	close(): Promise<void>;
}

/** The parts of the PostgreSQL stores that several nodes use (server/cluster/). */
export interface ClusterStores {
	leases: LeaseStore;
	/** Sets who writes which room under which lease: the document store checks it in each append. */
	fence(fence: (room: string) => Lease | undefined): void;
	/** Reads a room's client-id bindings other nodes made. */
	refreshClientOwners(room: string): Promise<void>;
}

const TABLE_MIGRATIONS = [
	...identityMigrations,
	...incidentMigrations,
	...attributionMigrations,
	...clientOwnerMigrations,
	...FEATURE_MIGRATIONS,
	...refusalMigrations,
	...trackMigrations,
	...attachmentMigrations
];

export async function openStores(config: Config, log: Logger): Promise<Stores> {
	if (config.database) return openPostgresStores(config.database, config.dataDir, log);
	const attachmentFiles = new FolderAttachmentFiles(path.join(config.dataDir, 'attachments'));
	if (config.store === 'memory') {
		const tables = openDatabase({ file: ':memory:', migrations: TABLE_MIGRATIONS });
		const docs = new MemoryDocStore([refusalLogCompanion(tables)]);
		const repositories = sqliteRepositories(tables, null, log);
		return {
			docs,
			sqlite: null,
			repositories: repositories.open,
			attachmentFiles,
			exclusiveStart: (fn) => fn(),
			async close() {
				await docs.close();
				repositories.close();
				tables.close();
			}
		};
	}
	const file = path.join(config.dataDir, 'sitroom.db');
	const db = openDatabase({
		file,
		synchronous: config.sqliteSynchronous,
		migrations: [...docLogMigrations, ...TABLE_MIGRATIONS]
	});
	let repositories: ReturnType<typeof sqliteRepositories>;
	try {
		repositories = sqliteRepositories(db, file, log);
	} catch (err) {
		db.close();
		throw err;
	}
	// With FULL durability, the log's fsync runs off the main thread (wal-sync.ts).
	const docs = new SqliteDocStore(db, {
		...(config.sqliteSynchronous === 'full' ? { file, syncIntervalMs: config.syncIntervalMs } : {}),
		companions: [refusalLogCompanion]
	});
	return {
		docs,
		sqlite: db,
		repositories: repositories.open,
		attachmentFiles,
		exclusiveStart: (fn) => fn(),
		async close() {
			await docs.close();
			repositories.close();
			db.close();
		}
	};
}

/**
 * The repositories on a migrated SQLite database. With its `file`, attribution rows and client-id
 * bindings are written on connections of their own (sqlite/attribution-store.ts); `close` closes
 * those, before the database itself is closed.
 */
function sqliteRepositories(
	db: SqliteDatabase,
	file: string | null,
	log: Logger
): { open: Repositories; close(): void } {
	const recovered = backfillClientOwners(db);
	if (recovered > 0)
		log
			.child({ module: 'guard' })
			.info({ bindings: recovered }, 'client id owners recovered from the update log');
	const attribution = new SqliteAttributionStore(db, { file });
	let clientOwners: SqliteClientOwnerStore;
	try {
		clientOwners = new SqliteClientOwnerStore(db, { file });
	} catch (err) {
		attribution.close();
		throw err;
	}
	return {
		open: {
			identity: sqliteIdentityRepositories(db),
			incidents: new SqliteIncidentRepository(db),
			attribution,
			clientOwners,
			...sqliteFeatureRepositories(db),
			refusals: new SqliteRefusalStore(db),
			tracks: new SqliteTrackRepository(db),
			teamIntervals: new SqliteTeamIntervalRepository(db),
			attachments: new SqliteAttachmentRepository(db)
		},
		close() {
			attribution.close();
			clientOwners.close();
		}
	};
}
