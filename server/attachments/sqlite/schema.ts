/** The attachment table: one row per stored photo (its bytes are in AttachmentFiles). */
import type { Migration } from '../../store/sqlite/database.ts';

export const attachmentMigrations: readonly Migration[] = [
	{
		id: 'attachments/001-photos',
		sql: `
			CREATE TABLE attachments (
				id TEXT PRIMARY KEY,
				incident_id TEXT NOT NULL,
				target_kind TEXT NOT NULL,
				target_id TEXT NOT NULL,
				content_type TEXT NOT NULL,
				bytes INTEGER NOT NULL,
				uploaded_by TEXT NOT NULL,
				org_id TEXT NOT NULL,
				uploaded_at INTEGER NOT NULL,
				kept_location INTEGER NOT NULL
			);
			CREATE INDEX attachments_target ON attachments(incident_id, target_kind, target_id, uploaded_at);
		`
	}
];
