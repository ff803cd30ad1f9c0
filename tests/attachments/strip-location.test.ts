/**
 * The type of an upload is read from its bytes, and location metadata is removed from JPEG, PNG
 * and WebP without touching the image data; a damaged structure is refused, not half-cleaned.
 */
import { describe, expect, it } from 'vitest';
import { imageTypeOf } from '../../server/attachments/image-type.ts';
import { MalformedImageError, stripLocation } from '../../server/attachments/strip-location.ts';
import {
	hasLocationMetadata,
	JPEG,
	jpegWithGps,
	PNG,
	pngWithGps,
	WEBP,
	webpWithGps
} from '../helpers/photos.ts';

describe('image type by content', () => {
	it('knows JPEG, PNG and WebP by their bytes and nothing else', () => {
		expect(imageTypeOf(JPEG)).toBe('image/jpeg');
		expect(imageTypeOf(PNG)).toBe('image/png');
		expect(imageTypeOf(WEBP)).toBe('image/webp');
		expect(imageTypeOf(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
		expect(imageTypeOf(new TextEncoder().encode('GIF89a'))).toBeNull();
		expect(imageTypeOf(new Uint8Array([0xff, 0xd8]))).toBeNull();
		expect(imageTypeOf(new Uint8Array())).toBeNull();
	});
});

describe('stripping location metadata', () => {
	it('removes the EXIF (GPS) segment of a JPEG and keeps everything else byte for byte', () => {
		const tagged = jpegWithGps();
		expect(hasLocationMetadata(tagged)).toBe(true);
		const clean = stripLocation(tagged, 'image/jpeg');
		expect(hasLocationMetadata(clean)).toBe(false);
		expect(clean).toEqual(JPEG);
	});

	it('removes the eXIf and XMP text chunks of a PNG', () => {
		const tagged = pngWithGps();
		expect(hasLocationMetadata(tagged)).toBe(true);
		const clean = stripLocation(tagged, 'image/png');
		expect(hasLocationMetadata(clean)).toBe(false);
		expect(clean).toEqual(PNG);
	});

	it('removes the EXIF and XMP chunks of a WebP, clears their flags and fixes the RIFF size', () => {
		const tagged = webpWithGps();
		expect(hasLocationMetadata(tagged)).toBe(true);
		const clean = stripLocation(tagged, 'image/webp');
		expect(hasLocationMetadata(clean)).toBe(false);
		expect(clean).toEqual(WEBP);
		expect(new DataView(clean.buffer).getUint32(4, true)).toBe(clean.length - 8);
	});

	it('leaves a photo without metadata as it is', () => {
		expect(stripLocation(JPEG, 'image/jpeg')).toEqual(JPEG);
		expect(stripLocation(PNG, 'image/png')).toEqual(PNG);
		expect(stripLocation(WEBP, 'image/webp')).toEqual(WEBP);
	});

	it('refuses a structure that runs past its end instead of passing it on', () => {
		const tagged = jpegWithGps();
		// The EXIF segment claims more bytes than the file has.
		const lying = tagged.slice(0, 40);
		lying[4] = 0xff;
		expect(() => stripLocation(lying, 'image/jpeg')).toThrow(MalformedImageError);
		expect(() => stripLocation(PNG.slice(0, 30), 'image/png')).toThrow(MalformedImageError);
		const webp = WEBP.slice();
		new DataView(webp.buffer).setUint32(4, webp.length * 2, true);
		expect(() => stripLocation(webp, 'image/webp')).toThrow(MalformedImageError);
		expect(() => stripLocation(new Uint8Array([0xff, 0xd8, 0x00, 0x00]), 'image/jpeg')).toThrow(
			MalformedImageError
		);
	});
});
