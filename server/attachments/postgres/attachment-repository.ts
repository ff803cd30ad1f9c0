/** The `attachments` table in PostgreSQL: an AttachmentRepository. */
import type { PhotoType } from '#domain/api/photos';
import type { PgPool } from '../../store/postgres/database.ts';
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
	kept_location: boolean;
}

const recordOf = (r: Row): AttachmentRecord => ({
	id: r.id,
	incidentId: r.incident_id,
	target: { kind: r.target_kind, id: r.target_id },
	contentType: r.content_type,
	bytes: Number(r.bytes),
	uploadedBy: r.uploaded_by,
	orgId: r.org_id,
	uploadedAt: Number(r.uploaded_at),
	keptLocation: r.kept_location
});

export class PgAttachmentRepository implements AttachmentRepository {
	constructor(private readonly pool: PgPool) {}

	async add(record: AttachmentRecord): Promise<{ record: AttachmentRecord; created: boolean }> {
		const r = record;
		const inserted = await this.pool.query(
			`INSERT INTO attachments (id, incident_id, target_kind, target_id, content_type, bytes,
				uploaded_by, org_id, uploaded_at, kept_location)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
			[
				r.id,
				r.incidentId,
				r.target.kind,
				r.target.id,
				r.contentType,
				r.bytes,
				r.uploadedBy,
				r.orgId,
				r.uploadedAt,
				r.keptLocation
			]
		);
		if (inserted.rowCount === 1) return { record: { ...r, target: { ...r.target } }, created: true };
		// Taken: answer the record that holds the id (committed by whoever won).
		const res = await this.pool.query<Row>('SELECT * FROM attachments WHERE id = $1', [r.id]);
		return { record: recordOf(res.rows[0]!), created: false };
	}

	async get(incidentId: string, id: string): Promise<AttachmentRecord | undefined> {
		const res = await this.pool.query<Row>('SELECT * FROM attachments WHERE id = $1 AND incident_id = $2', [
			id,
			incidentId
		]);
		return res.rows[0] && recordOf(res.rows[0]);
	}

	async listFor(incidentId: string, target: AttachmentRecord['target']): Promise<AttachmentRecord[]> {
		const res = await this.pool.query<Row>(
			`SELECT * FROM attachments WHERE incident_id = $1 AND target_kind = $2 AND target_id = $3
			 ORDER BY uploaded_at, id`,
			[incidentId, target.kind, target.id]
		);
		return res.rows.map(recordOf);
	}
}
