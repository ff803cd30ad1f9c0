/** Photo uploads (PUT /api/incidents/:id/photos/:photoId): the bytes, not JSON. */
import { ApiError, ApiErrorBodySchema } from '$lib/domain/api/errors';
import { photoPath, PhotoSchema, type Photo, type PhotoTarget } from '$lib/domain/api/photos';
import { csrfHeader, NETWORK_ERROR } from './client.ts';

export async function uploadPhoto(
	incidentId: string,
	photoId: string,
	target: PhotoTarget,
	keepLocation: boolean,
	body: Blob
): Promise<Photo> {
	const query = new URLSearchParams({ [target.kind]: target.id, location: keepLocation ? 'keep' : 'strip' });
	const path = `${photoPath(incidentId, photoId)}?${query}`;
	let res: Response;
	try {
		res = await fetch(path, {
			method: 'PUT',
			headers: {
				accept: 'application/json',
				'content-type': body.type || 'application/octet-stream',
				...csrfHeader()
			},
			credentials: 'same-origin',
			body
		});
	} catch (err) {
		throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err));
	}
	let json: unknown;
	try {
		json = await res.json();
	} catch {
		throw new ApiError(res.status, 'not-json', `PUT ${path}: response is not JSON`);
	}
	if (!res.ok) {
		const parsed = ApiErrorBodySchema.partial().safeParse(json);
		const e = parsed.success ? parsed.data : {};
		throw new ApiError(
			res.status,
			e.error ?? `http-${res.status}`,
			e.message ?? res.statusText,
			e.issues ?? []
		);
	}
	return PhotoSchema.parse(json);
}
