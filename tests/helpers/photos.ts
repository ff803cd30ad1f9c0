/**
 * Photos for tests: small real images (8×8, made with Chromium's canvas) and the same images
 * with location metadata added, the way a phone's camera writes it: an EXIF block with a GPS
 * directory in a JPEG's APP1 segment, an eXIf and an XMP text chunk in a PNG, EXIF and XMP
 * chunks in a WebP. `hasLocationMetadata` says whether any of them is still there.
 */

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

export const JPEG = b64(
	'/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAA' +
		'AABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
		'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAA' +
		'ABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAA' +
		'AAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAA' +
		'AAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAA' +
		'AABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYF' +
		'BAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMK' +
		'ChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAIAAgDASIAAhEB' +
		'AxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABQf/' +
		'xAAdEQACAQUBAQAAAAAAAAAAAAABAwQAAhExQSHx/9oADAMBAAIRAxEAPwCWADyJDJLC1pzcfnKp8WKqIoIQMWjQ9Ozntf/Z'
);
export const PNG = b64(
	'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAYAAADED76LAAAANElEQVR4AayNsQ0AQAgCjSux0/9M7qQzaUtobCS5goRwjpfN' +
		'JNCM25KDQdQ3Ro0HCr3UPgAAAP//8OOtwwAAAAZJREFUAwBBUxmZ6eNGJwAAAABJRU5ErkJggg=='
);
export const WEBP = b64(
	'UklGRjICAABXRUJQVlA4WAoAAAAgAAAABwAABwAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAA' +
		'AABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
		'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAA' +
		'ABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAA' +
		'AAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAA' +
		'AAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAA' +
		'AABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZWUDggRAAAANAB' +
		'AJ0BKggACAABQCYlsAJ0ugCGAAcgAP7u/5X5CU2pR/8rty6anFufpQf/Pf/75rzrn/0Xcf8Mfj/7Bx/2Dj90wAAA'
);

/** Where the GPS block says the photo was taken: 朝天镇 (32.6431 N, 105.8895 E). */
export const GPS = { lat: [32, 38, 3515], lon: [105, 53, 2220] } as const;

/**
 * A TIFF/EXIF block (little-endian) whose IFD0 points at a GPS directory: latitude and longitude
 * references and values, as cameras write them.
 */
export function exifWithGps(): Uint8Array {
	const b = new Uint8Array(128);
	const v = new DataView(b.buffer);
	b.set([0x49, 0x49, 0x2a, 0x00]); // "II", 42
	v.setUint32(4, 8, true); // IFD0 at 8
	v.setUint16(8, 1, true); // one entry
	v.setUint16(10, 0x8825, true); // GPSInfo
	v.setUint16(12, 4, true); // LONG
	v.setUint32(14, 1, true);
	v.setUint32(18, 26, true); // GPS IFD at 26
	v.setUint32(22, 0, true); // no next IFD
	let at = 26;
	v.setUint16(at, 4, true); // four entries
	const entry = (i: number, tag: number, type: number, count: number, value: number) => {
		const e = at + 2 + i * 12;
		v.setUint16(e, tag, true);
		v.setUint16(e + 2, type, true);
		v.setUint32(e + 4, count, true);
		v.setUint32(e + 8, value, true);
	};
	const rationals = 26 + 2 + 4 * 12 + 4; // 80: 6 rationals follow (48 bytes) → 128
	entry(0, 1, 2, 2, 0x4e); // GPSLatitudeRef "N"
	entry(1, 2, 5, 3, rationals); // GPSLatitude
	entry(2, 3, 2, 2, 0x45); // GPSLongitudeRef "E"
	entry(3, 4, 5, 3, rationals + 24); // GPSLongitude
	at = rationals;
	for (const [deg, min, sec100] of [GPS.lat, GPS.lon]) {
		for (const [num, den] of [
			[deg, 1],
			[min, 1],
			[sec100, 100]
		]) {
			v.setUint32(at, num!, true);
			v.setUint32(at + 4, den!, true);
			at += 8;
		}
	}
	return b;
}

const ascii = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const XMP = ascii('<x:xmpmeta><rdf:Description exif:GPSLatitude="32,38.5858N"/></x:xmpmeta>');

function cat(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** JPEG with an APP1 "Exif" segment holding a GPS directory, right after the start marker. */
export function jpegWithGps(jpeg: Uint8Array = JPEG): Uint8Array {
	const payload = cat(ascii('Exif\0\0'), exifWithGps());
	const len = payload.length + 2;
	const app1 = cat(new Uint8Array([0xff, 0xe1, len >> 8, len & 0xff]), payload);
	return cat(jpeg.subarray(0, 2), app1, jpeg.subarray(2));
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
	const head = new Uint8Array(8);
	new DataView(head.buffer).setUint32(0, data.length);
	head.set(ascii(type), 4);
	// The CRC is not checked by the server; a zero CRC keeps the helper short.
	return cat(head, data, new Uint8Array(4));
}

/** PNG with an eXIf chunk (EXIF with GPS) and an iTXt XMP chunk after its header chunk. */
export function pngWithGps(png: Uint8Array = PNG): Uint8Array {
	const ihdrEnd = 8 + 12 + 13;
	return cat(
		png.subarray(0, ihdrEnd),
		pngChunk('eXIf', exifWithGps()),
		pngChunk('iTXt', cat(ascii('XML:com.adobe.xmp\0\0\0\0\0'), XMP)),
		png.subarray(ihdrEnd)
	);
}

function riffChunk(type: string, data: Uint8Array): Uint8Array {
	const head = new Uint8Array(8);
	head.set(ascii(type));
	new DataView(head.buffer).setUint32(4, data.length, true);
	return cat(head, data, data.length & 1 ? new Uint8Array(1) : new Uint8Array());
}

/** WebP (an extended one, VP8X) with EXIF and XMP chunks and their flags set. */
export function webpWithGps(webp: Uint8Array = WEBP): Uint8Array {
	const body = webp.slice(12);
	if (String.fromCharCode(...body.subarray(0, 4)) !== 'VP8X') throw new Error('sample WebP is not extended');
	body[8] = body[8]! | 0x08 | 0x04;
	const all = cat(body, riffChunk('EXIF', exifWithGps()), riffChunk('XMP ', XMP));
	const head = cat(ascii('RIFF'), new Uint8Array(4), ascii('WEBP'));
	new DataView(head.buffer).setUint32(4, 4 + all.length, true);
	return cat(head, all);
}

function contains(bytes: Uint8Array, needle: Uint8Array): boolean {
	outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
		for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
		return true;
	}
	return false;
}

/** Whether the image still holds an EXIF block (any) or XMP: where location metadata lives. */
export function hasLocationMetadata(bytes: Uint8Array): boolean {
	return (
		contains(bytes, ascii('Exif\0\0')) ||
		contains(bytes, ascii('eXIf')) ||
		contains(bytes, ascii('EXIF')) ||
		contains(bytes, ascii('xmpmeta')) ||
		contains(bytes, new Uint8Array([0x25, 0x88, 0x04, 0x00])) // the GPSInfo tag entry
	);
}
