/**
 * A photo from the phone's camera (often 4000 px and 4 MB) made fit for a valley with one bar of
 * signal: drawn upright (EXIF orientation applied) onto a canvas at most MAX_SIDE px on its long
 * side and encoded as JPEG. The canvas carries no metadata, so the result has no EXIF and no GPS;
 * where the photo was taken travels only if the person chose to attach their position.
 */
export const MAX_SIDE = 1600;
export const JPEG_QUALITY = 0.8;

export async function resizePhoto(file: Blob, maxSide = MAX_SIDE, quality = JPEG_QUALITY): Promise<Blob> {
	const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	try {
		const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
		const width = Math.max(1, Math.round(bitmap.width * scale));
		const height = Math.max(1, Math.round(bitmap.height * scale));
		const canvas = document.createElement('canvas');
		canvas.width = width;
		canvas.height = height;
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('no 2D canvas');
		ctx.drawImage(bitmap, 0, 0, width, height);
		return await new Promise<Blob>((resolve, reject) =>
			canvas.toBlob(
				(b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))),
				'image/jpeg',
				quality
			)
		);
	} finally {
		bitmap.close();
	}
}

/** A new photo id, chosen on the phone so the note showing it can be written before the upload. */
export function newPhotoId(): string {
	return `photo-${crypto.randomUUID()}`;
}

/** A photo picked and prepared on the phone, not sent yet: its id, its bytes, a preview URL. */
export interface PickedPhoto {
	photoId: string;
	blob: Blob;
	preview: string;
}
