/**
 * What the server knows of each attachment (a photo): which incident, what it belongs to (a
 * task's progress thread or a field report), who uploaded it, its type and size, and whether its
 * location metadata was kept. The bytes are in AttachmentFiles under the attachment's id.
 * Async, like every repository (ARCHITECTURE.md, Repositories): SQLite now, PostgreSQL later;
 * the contract is tests/attachments/attachment-repository-contract.ts.
 */
import type { Photo } from '#domain/api/photos';

export type AttachmentRecord = Photo;

export interface AttachmentRepository {
	/**
	 * Records a new attachment. If one with the same id exists already, nothing is written and
	 * the stored record is returned (`created` false): the caller decides whether it is the same
	 * upload repeated or a clash.
	 */
	add(record: AttachmentRecord): Promise<{ record: AttachmentRecord; created: boolean }>;
	/** The attachment `id` of `incidentId`, or undefined (also when it belongs to another incident). */
	get(incidentId: string, id: string): Promise<AttachmentRecord | undefined>;
	/** The attachments of one task or report, oldest first. */
	listFor(incidentId: string, target: AttachmentRecord['target']): Promise<AttachmentRecord[]>;
}
