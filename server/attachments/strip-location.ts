/**
 * Removes what can say where a photo was taken, without decoding or re-encoding the image:
 *
 * - JPEG: the APP1 segments (EXIF, whose GPS directory holds the position, and XMP) and APP13
 *   (Photoshop/IPTC, which may name a place). The image data is copied as it is.
 * - PNG: the `eXIf` chunk and the text chunks (`tEXt`, `zTXt`, `iTXt`; XMP is an iTXt chunk).
 * - WebP: the `EXIF` and `XMP ` chunks, with their flags in the `VP8X` header cleared.
 *
 * EXIF's orientation goes with it; the app draws photos upright before uploading, so its photos
 * carry none. A structure that does not add up (a length beyond the end) is refused as
 * malformed rather than passed on half-cleaned.
 */
import type { PhotoType } from '#domain/api/photos';

export class MalformedImageError extends Error {
	override readonly name = 'MalformedImageError';
}

export function stripLocation(bytes: Uint8Array, type: PhotoType): Uint8Array {
	switch (type) {
		case 'image/jpeg':
			return stripJpeg(bytes);
		case 'image/png':
			return stripPng(bytes);
		case 'image/webp':
			return stripWebp(bytes);
	}
}

const APP1 = 0xe1;
const APP13 = 0xed;
const SOS = 0xda;
const EOI = 0xd9;

function stripJpeg(b: Uint8Array): Uint8Array {
	const keep: Uint8Array[] = [b.subarray(0, 2)];
	let i = 2;
	while (i < b.length) {
		if (b[i] !== 0xff) throw new MalformedImageError('JPEG: expected a marker');
		// Fill bytes: any number of 0xFF before a marker.
		while (i + 1 < b.length && b[i + 1] === 0xff) i++;
		if (i + 1 >= b.length) throw new MalformedImageError('JPEG: ends inside a marker');
		const marker = b[i + 1]!;
		if (marker === EOI || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
			keep.push(b.subarray(i, i + 2));
			i += 2;
			if (marker === EOI) break;
			continue;
		}
		if (i + 4 > b.length) throw new MalformedImageError('JPEG: segment length missing');
		const length = (b[i + 2]! << 8) | b[i + 3]!;
		const end = i + 2 + length;
		if (length < 2 || end > b.length) throw new MalformedImageError('JPEG: segment runs past the end');
		if (marker === SOS) {
			// The scan's entropy-coded data, and whatever follows it, is image data: kept whole.
			keep.push(b.subarray(i));
			break;
		}
		if (marker !== APP1 && marker !== APP13) keep.push(b.subarray(i, end));
		i = end;
	}
	return concat(keep);
}

const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt']);

function stripPng(b: Uint8Array): Uint8Array {
	const keep: Uint8Array[] = [b.subarray(0, 8)];
	const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	let i = 8;
	while (i < b.length) {
		if (i + 12 > b.length) throw new MalformedImageError('PNG: chunk header runs past the end');
		const length = view.getUint32(i);
		const end = i + 12 + length;
		if (end > b.length) throw new MalformedImageError('PNG: chunk runs past the end');
		const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
		if (!PNG_DROPPED.has(type)) keep.push(b.subarray(i, end));
		i = end;
		if (type === 'IEND') break;
	}
	return concat(keep);
}

const WEBP_DROPPED = new Set(['EXIF', 'XMP ']);
/** VP8X flags: bit 3 says an EXIF chunk follows, bit 2 an XMP chunk. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(b: Uint8Array): Uint8Array {
	if (b.length < 12) throw new MalformedImageError('WebP: too short');
	const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	const riffEnd = 8 + view.getUint32(4, true);
	if (riffEnd > b.length) throw new MalformedImageError('WebP: RIFF size runs past the end');
	const chunks: Uint8Array[] = [];
	let i = 12;
	while (i < riffEnd) {
		if (i + 8 > riffEnd) throw new MalformedImageError('WebP: chunk header runs past the end');
		const type = String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
		const size = view.getUint32(i + 4, true);
		const end = i + 8 + size + (size & 1);
		if (i + 8 + size > riffEnd) throw new MalformedImageError('WebP: chunk runs past the end');
		if (!WEBP_DROPPED.has(type)) {
			const chunk = b.slice(i, Math.min(end, riffEnd));
			if (type === 'VP8X' && size >= 1) chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
			chunks.push(chunk);
		}
		i = end;
	}
	const body = concat(chunks);
	const out = new Uint8Array(12 + body.length);
	out.set(b.subarray(0, 12));
	new DataView(out.buffer).setUint32(4, 4 + body.length, true);
	out.set(body, 12);
	return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
