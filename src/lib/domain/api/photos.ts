/**
 * Photos attached to a task's progress thread or to a field report (现场报告).
 *
 *   PUT /api/incidents/:id/photos/:photoId?task=<taskId>        (or ?report=<reportId>)
 *       [&location=keep]   body: the image's bytes (JPEG, PNG or WebP), any content type
 *   GET /api/incidents/:id/photos/:photoId                       the image
 *
 * The phone chooses the photo's id (`photo-<uuid>`) when the photo is taken, so the progress
 * update or report that shows it can be written at once, offline too, and the upload, queued on
 * the phone, can be retried with the same id: a repeated upload of the same photo by the same
 * person answers the stored record. The server checks the type by the bytes themselves, the
 * size (MAX_PHOTO_BYTES), the caller's right to report on that task or to edit that report (the
 * policy the incident document is guarded with), and removes location metadata (EXIF, XMP, PNG
 * text chunks) unless `location=keep`. Photos are served only to those who may read the incident.
 */
import { z } from 'zod';

/**
 * The largest photo accepted: 5 MiB. The app resizes photos to 1600 px and about 300 KB before
 * uploading; this leaves room for a photo uploaded as it came from the camera.
 */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export const PhotoIdSchema = z
	.string()
	.regex(/^photo-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'not a photo id');

const EntityId = z.string().min(1).max(128);

/** What the photo belongs to: a task's progress thread or a field report, exactly one. */
export const PhotoUploadQuerySchema = z
	.object({
		task: EntityId.optional(),
		report: EntityId.optional(),
		/** `keep`: the person chose to share where the photo was taken; its metadata stays. */
		location: z.enum(['keep', 'strip']).default('strip')
	})
	.refine((q) => (q.task === undefined) !== (q.report === undefined), {
		message: 'name the task or the report the photo belongs to (one of them)'
	});
export type PhotoUploadQuery = z.infer<typeof PhotoUploadQuerySchema>;

export const PhotoTargetSchema = z.object({ kind: z.enum(['task', 'report']), id: EntityId });
export type PhotoTarget = z.infer<typeof PhotoTargetSchema>;

export const PhotoSchema = z.object({
	id: PhotoIdSchema,
	incidentId: z.string(),
	target: PhotoTargetSchema,
	contentType: z.enum(PHOTO_TYPES),
	bytes: z.number().int().nonnegative(),
	uploadedBy: z.string(),
	orgId: z.string(),
	/** Server time of the upload, ms since the epoch. */
	uploadedAt: z.number().int(),
	/** Whether the location metadata was kept (the uploader chose to attach it). */
	keptLocation: z.boolean()
});
export type Photo = z.infer<typeof PhotoSchema>;

/**
 * The named refusals of an upload (the `error` of the API's error body). `photo-target-not-found`
 * is worth retrying: the report or task may still be on its way through the realtime connection.
 */
export const PHOTO_REFUSALS = {
	/** 413: more than MAX_PHOTO_BYTES. */
	tooLarge: 'photo-too-large',
	/** 415: the bytes are no JPEG, PNG or WebP, whatever the request says they are. */
	wrongType: 'photo-type-not-allowed',
	/** 422: it starts like an image but its structure is broken (cannot be cleaned safely). */
	malformed: 'photo-malformed',
	/** 404: no such task or report in the incident (yet). */
	targetNotFound: 'photo-target-not-found',
	/** 403: the caller may not report on that task, or edit that report. */
	notAllowed: 'photo-not-allowed',
	/** 409: the id is taken by another photo (another uploader or target). */
	idTaken: 'photo-id-taken',
	/** 404 (GET): no such photo in the incident. */
	notFound: 'photo-not-found'
} as const;
export type PhotoRefusal = (typeof PHOTO_REFUSALS)[keyof typeof PHOTO_REFUSALS];

/** The address a photo is served at (and uploaded to). */
export function photoPath(incidentId: string, photoId: string): string {
	return `/api/incidents/${encodeURIComponent(incidentId)}/photos/${encodeURIComponent(photoId)}`;
}
