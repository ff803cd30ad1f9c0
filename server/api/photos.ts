/**
 * Photos (server/attachments/photos.ts): `PUT /api/incidents/:id/photos/:photoId?task=…|report=…`
 * uploads one (the body is the image's bytes, whatever its content type says), `GET` the same
 * address serves it to anyone who may read the incident. The refusals are named
 * (src/lib/domain/api/photos.ts, PHOTO_REFUSALS); an incident the caller may not read is the same
 * 404 as one that does not exist (incident-access.ts).
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import { IncidentIdSchema } from '#domain/api/incidents';
import {
	MAX_PHOTO_BYTES,
	PHOTO_REFUSALS,
	PhotoIdSchema,
	PhotoUploadQuerySchema,
	type PhotoRefusal
} from '#domain/api/photos';
import { PhotoRefusedError, type Photos } from '../attachments/photos.ts';
import type { ReadAccess } from '../incidents/room-access.ts';
import { readableOr404 } from './incident-access.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseParams, parseQuery } from './validate.ts';

const STATUS: Readonly<Record<PhotoRefusal, number>> = {
	'photo-too-large': 413,
	'photo-type-not-allowed': 415,
	'photo-malformed': 422,
	'photo-target-not-found': 404,
	'photo-not-allowed': 403,
	'photo-id-taken': 409,
	'photo-not-found': 404
};

const params = z.object({ id: IncidentIdSchema, photoId: PhotoIdSchema });

/** The body as bytes, whatever its content type; over the limit is `photo-too-large`. */
const rawBody = express.raw({ type: () => true, limit: MAX_PHOTO_BYTES });
function photoBody(req: Request, res: Response, next: NextFunction): void {
	rawBody(req, res, (err?: unknown) => {
		if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
			next(refused(PHOTO_REFUSALS.tooLarge, `a photo may be at most ${MAX_PHOTO_BYTES} bytes`));
			return;
		}
		next(err);
	});
}

function refused(code: PhotoRefusal, message: string): ApiError {
	return new ApiError(STATUS[code], code, message);
}

export function photosRouter(deps: { access: ReadAccess; photos: Photos }): Router {
	const r = Router();
	// Who works in an incident may attach; the policy then decides about the task or report.
	const workers = requireActor(['commander', 'agency', 'township', 'field']);

	r.put('/incidents/:id/photos/:photoId', workers, photoBody, async (req, res) => {
		const { id, photoId } = parseParams(params, req);
		const query = parseQuery(PhotoUploadQuerySchema, req);
		const actor = actorOf(res);
		await readableOr404(deps.access, actor, id);
		const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
		try {
			const { record, created } = await deps.photos.upload({
				actor,
				incidentId: id,
				photoId,
				target:
					query.task !== undefined ? { kind: 'task', id: query.task } : { kind: 'report', id: query.report! },
				keepLocation: query.location === 'keep',
				bytes
			});
			res.status(created ? 201 : 200).json(record);
		} catch (err) {
			if (err instanceof PhotoRefusedError) throw refused(err.code, err.message);
			throw err;
		}
	});

	r.get('/incidents/:id/photos/:photoId', requireActor(), async (req, res) => {
		const { id, photoId } = parseParams(params, req);
		await readableOr404(deps.access, actorOf(res), id);
		const photo = await deps.photos.read(id, photoId);
		if (!photo) throw refused(PHOTO_REFUSALS.notFound, `the incident has no photo ${photoId}`);
		res.set({
			'content-type': photo.record.contentType,
			'content-length': String(photo.bytes.length),
			// A photo never changes under its id; only members may fetch it, so never a shared cache.
			'cache-control': 'private, max-age=31536000, immutable'
		});
		res.end(Buffer.from(photo.bytes.buffer, photo.bytes.byteOffset, photo.bytes.byteLength));
	});

	return r;
}
