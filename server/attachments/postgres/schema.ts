/** The attachment table in PostgreSQL (DATABASE_URL), the same as SQLite's (../sqlite/schema.ts). */
import type { PgMigration } from '../../store/postgres/database.ts';

export const attachmentPgMigrations: readonly PgMigration[] = [
	{
		id: 'attachments/001-photos',
		sql: `
			CREATE TABLE attachments (
				id TEXT COLLATE "C" PRIMARY KEY,
				incident_id TEXT COLLATE "C" NOT NULL,
				target_kind TEXT NOT NULL,
				target_id TEXT COLLATE "C" NOT NULL,
				content_type TEXT NOT NULL,
				bytes BIGINT NOT NULL,
				uploaded_by TEXT NOT NULL,
				org_id TEXT NOT NULL,
				uploaded_at BIGINT NOT NULL,
				kept_location BOOLEAN NOT NULL
			);
			CREATE INDEX attachments_target ON attachments(incident_id, target_kind, target_id, uploaded_at);
		`
	}
];
