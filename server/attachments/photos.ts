/**
 * Photos of an incident: the checks an upload passes and how it is stored. Knows no HTTP; the
 * REST router (server/api/photos.ts) turns a `PhotoRefusedError` into its status and body.
 *
 * An upload is checked, in this order: the size; the type, by the bytes; the structure (while
 * location metadata is removed, unless the uploader chose to keep it); the task or report it
 * belongs to, in the incident's live document; and the uploader's right to attach to it, by the
 * same policy the document is guarded with: reporting progress on that task
 * (`can(…, 'create', taskUpdates)`), or editing that report's photo. A closed incident takes no
 * photo from anyone but a commander. The file is stored before its record, so a record always
 * has its bytes; the same photo uploaded again (a retry whose answer was lost) answers the
 * record already stored.
 */
import type { Actor, OrgDirectory } from '#domain/actor';
import { MAX_PHOTO_BYTES, PHOTO_REFUSALS, type PhotoRefusal, type PhotoTarget } from '#domain/api/photos';
import { IncidentDoc } from '#domain/incident-doc';
import { can, editableFields, whyNotChangeIncident } from '#domain/policy';
import type * as Y from 'yjs';
import type { AttachmentFiles } from './attachment-files.ts';
import type { AttachmentRecord, AttachmentRepository } from './attachment-repository.ts';
import { imageTypeOf } from './image-type.ts';
import { MalformedImageError, stripLocation } from './strip-location.ts';

export class PhotoRefusedError extends Error {
	override readonly name = 'PhotoRefusedError';
	constructor(
		readonly code: PhotoRefusal,
		message: string
	) {
		super(message);
	}
}

export interface PhotoUpload {
	actor: Actor;
	incidentId: string;
	photoId: string;
	target: PhotoTarget;
	keepLocation: boolean;
	bytes: Uint8Array;
}

export interface PhotosDeps {
	repository: AttachmentRepository;
	files: AttachmentFiles;
	orgs: OrgDirectory;
	/** The incident's live document (its room, loaded if it is not). */
	docOf(incidentId: string): Promise<Y.Doc>;
	now?: () => number;
}

export class Photos {
	constructor(private readonly deps: PhotosDeps) {}

	async upload(u: PhotoUpload): Promise<{ record: AttachmentRecord; created: boolean }> {
		if (u.bytes.length > MAX_PHOTO_BYTES) {
			throw new PhotoRefusedError(
				PHOTO_REFUSALS.tooLarge,
				`a photo may be at most ${MAX_PHOTO_BYTES} bytes; this one is ${u.bytes.length}`
			);
		}
		const contentType = imageTypeOf(u.bytes);
		if (!contentType)
			throw new PhotoRefusedError(PHOTO_REFUSALS.wrongType, 'only JPEG, PNG and WebP photos are accepted');
		let stored: Uint8Array;
		try {
			stored = u.keepLocation ? u.bytes : stripLocation(u.bytes, contentType);
		} catch (err) {
			if (!(err instanceof MalformedImageError)) throw err;
			throw new PhotoRefusedError(PHOTO_REFUSALS.malformed, `the photo is damaged (${err.message})`);
		}
		await this.#checkRight(u.actor, u.incidentId, u.target);

		const existing = await this.deps.repository.get(u.incidentId, u.photoId);
		if (existing) return { record: this.#sameUpload(existing, u), created: false };
		const record: AttachmentRecord = {
			id: u.photoId,
			incidentId: u.incidentId,
			target: { ...u.target },
			contentType,
			bytes: stored.length,
			uploadedBy: u.actor.userId,
			orgId: u.actor.orgId,
			uploadedAt: (this.deps.now ?? Date.now)(),
			keptLocation: u.keepLocation
		};
		await this.deps.files.put(record.id, stored);
		const added = await this.deps.repository.add(record);
		// Two uploads of one id at once: the first record stands, the second is judged against it.
		return added.created ? added : { record: this.#sameUpload(added.record, u), created: false };
	}

	/** The photo and its bytes, or null if the incident has no such photo. */
	async read(
		incidentId: string,
		photoId: string
	): Promise<{ record: AttachmentRecord; bytes: Uint8Array } | null> {
		const record = await this.deps.repository.get(incidentId, photoId);
		if (!record) return null;
		const bytes = await this.deps.files.get(record.id);
		return bytes ? { record, bytes } : null;
	}

	/** The stored record if `u` repeats its upload; the id is someone else's photo otherwise. */
	#sameUpload(existing: AttachmentRecord, u: PhotoUpload): AttachmentRecord {
		if (
			existing.uploadedBy === u.actor.userId &&
			existing.target.kind === u.target.kind &&
			existing.target.id === u.target.id
		)
			return existing;
		throw new PhotoRefusedError(
			PHOTO_REFUSALS.idTaken,
			`the photo id ${u.photoId} is taken by another photo`
		);
	}

	async #checkRight(actor: Actor, incidentId: string, target: PhotoTarget): Promise<void> {
		const doc = new IncidentDoc(await this.deps.docOf(incidentId));
		const closed = whyNotChangeIncident(actor, doc.readMeta());
		if (closed) throw new PhotoRefusedError(PHOTO_REFUSALS.notAllowed, closed);
		const orgs = this.deps.orgs;
		if (target.kind === 'task') {
			const task = doc.read<Record<string, unknown>>('tasks', target.id);
			if (!task) throw notFound('task', target.id);
			const entry = { by: actor.userId, orgId: actor.orgId };
			if (!can(actor, 'create', { collection: 'taskUpdates', task, entry }, orgs)) {
				throw new PhotoRefusedError(
					PHOTO_REFUSALS.notAllowed,
					'only the task’s assignee, its owner or a commander adds photos to its progress'
				);
			}
			return;
		}
		const report = doc.read<Record<string, unknown>>('reports', target.id);
		if (!report) throw notFound('field report', target.id);
		if (!editableFields(actor, 'reports', report, orgs).has('photo')) {
			throw new PhotoRefusedError(
				PHOTO_REFUSALS.notAllowed,
				'only the report’s author, their organisation or a commander adds its photo'
			);
		}
	}
}

function notFound(what: string, id: string): PhotoRefusedError {
	return new PhotoRefusedError(
		PHOTO_REFUSALS.targetNotFound,
		`the incident has no ${what} ${id} (yet: a report made offline arrives with the next sync)`
	);
}
