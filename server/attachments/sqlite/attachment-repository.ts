/** The `attachments` table: the embedded AttachmentRepository. */
import type { PhotoType } from '#domain/api/photos';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import type { AttachmentRecord, AttachmentRepository } from '../attachment-repository.ts';

interface Row {
	id: string;
	incident_id: string;
	target_kind: 'task' | 'report';
	target_id: string;
	content_type: PhotoType;
	bytes: number;
	uploaded_by: string;
	org_id: string;
	uploaded_at: number;
	kept_location: number;
}

const recordOf = (r: Row): AttachmentRecord => ({
	id: r.id,
	incidentId: r.incident_id,
	target: { kind: r.target_kind, id: r.target_id },
	contentType: r.content_type,
	bytes: r.bytes,
	uploadedBy: r.uploaded_by,
	orgId: r.org_id,
	uploadedAt: r.uploaded_at,
	keptLocation: r.kept_location === 1
});

export class SqliteAttachmentRepository implements AttachmentRepository {
	readonly #insert;
	readonly #byId;
	readonly #forTarget;

	constructor(db: SqliteDatabase) {
		this.#insert = db.prepare(
			`INSERT INTO attachments (id, incident_id, target_kind, target_id, content_type, bytes,
				uploaded_by, org_id, uploaded_at, kept_location)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`
		);
		this.#byId = db.prepare('SELECT * FROM attachments WHERE id = ?');
		this.#forTarget = db.prepare(
			`SELECT * FROM attachments WHERE incident_id = ? AND target_kind = ? AND target_id = ?
			 ORDER BY uploaded_at, id`
		);
	}

	async add(record: AttachmentRecord): Promise<{ record: AttachmentRecord; created: boolean }> {
		const r = record;
		const { changes } = this.#insert.run(
			r.id,
			r.incidentId,
			r.target.kind,
			r.target.id,
			r.contentType,
			r.bytes,
			r.uploadedBy,
			r.orgId,
			r.uploadedAt,
			r.keptLocation ? 1 : 0
		);
		if (changes === 1) return { record: { ...r, target: { ...r.target } }, created: true };
		return { record: recordOf(this.#byId.get(r.id) as Row), created: false };
	}

	async get(incidentId: string, id: string): Promise<AttachmentRecord | undefined> {
		const row = this.#byId.get(id) as Row | undefined;
		return row && row.incident_id === incidentId ? recordOf(row) : undefined;
	}

	async listFor(incidentId: string, target: AttachmentRecord['target']): Promise<AttachmentRecord[]> {
		return (this.#forTarget.all(incidentId, target.kind, target.id) as Row[]).map(recordOf);
	}
}

/**
 * Every record of a database that may hold the table (a side file of an older version: the
 * records then move to PostgreSQL, ../../compose/postgres-stores.ts); none if it has no table.
 */
export function allAttachmentRecords(db: SqliteDatabase): AttachmentRecord[] {
	const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachments'").get();
	if (!table) return [];
	return (db.prepare('SELECT * FROM attachments ORDER BY uploaded_at, id').all() as Row[]).map(recordOf);
}
