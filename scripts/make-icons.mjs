/**
 * Draws the app's home-screen icons (static/icons/*.png) from code, so no artwork is downloaded:
 * a white map pin with an orange centre on the header's dark blue. Run after changing the design:
 * `node scripts/make-icons.mjs`. The PNG encoder is the few lines below (zlib, CRC-32).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const OUT = path.resolve(import.meta.dirname, '../static/icons');
const BLUE = [0x1f, 0x3a, 0x5f];
const WHITE = [0xff, 0xff, 0xff];
const ORANGE = [0xf0, 0x8a, 0x24];

/** Coverage of a pixel by a shape, by 4×4 supersampling. */
function cover(inside, x, y) {
	let n = 0;
	for (let i = 0; i < 4; i++)
		for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) n++;
	return n / 16;
}

function mix(a, b, t) {
	return a.map((v, i) => Math.round(v * (1 - t) + b[i] * t));
}

/**
 * `scale` is the share of the icon the pin's design box takes: 1 for a plain icon, 0.72 for a
 * maskable one (its safe zone is the centre circle of 80%).
 */
function draw(size, scale, rounded) {
	const px = Buffer.alloc(size * size * 4);
	const c = size / 2;
	const u = (size * scale) / 100; // design units: the pin is drawn in a 100-unit box
	const headY = c - 12 * u;
	const headR = 26 * u;
	const tipY = c + 40 * u;
	const holeR = 11 * u;
	const corner = size * 0.18;
	const inIcon = (x, y) => {
		if (!rounded) return true;
		const dx = Math.max(corner - x, 0, x - (size - corner));
		const dy = Math.max(corner - y, 0, y - (size - corner));
		return dx * dx + dy * dy <= corner * corner;
	};
	const inPin = (x, y) => {
		const dx = x - c;
		const dy = y - headY;
		if (dx * dx + dy * dy <= headR * headR) return true;
		// The point: a triangle from the head's tangents down to the tip.
		if (y < headY || y > tipY) return false;
		const half = headR * ((tipY - y) / (tipY - headY)) * 0.92;
		return Math.abs(dx) <= half;
	};
	const inHole = (x, y) => (x - c) ** 2 + (y - headY) ** 2 <= holeR * holeR;
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			let col = mix(BLUE, WHITE, cover(inPin, x, y));
			col = mix(col, ORANGE, cover(inHole, x, y));
			const a = Math.round(255 * cover(inIcon, x, y));
			const o = (y * size + x) * 4;
			px[o] = col[0];
			px[o + 1] = col[1];
			px[o + 2] = col[2];
			px[o + 3] = a;
		}
	}
	return png(size, px);
}

const CRC = new Uint32Array(256).map((_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 6; // RGBA
	const rows = Buffer.alloc(size * (size * 4 + 1));
	for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

fs.mkdirSync(OUT, { recursive: true });
const icons = {
	'icon-192.png': draw(192, 1, true),
	'icon-512.png': draw(512, 1, true),
	'icon-maskable-512.png': draw(512, 0.72, false),
	'apple-touch-icon-180.png': draw(180, 0.86, false)
};
for (const [name, data] of Object.entries(icons)) {
	fs.writeFileSync(path.join(OUT, name), data);
	console.log(`${name}: ${data.length} bytes`);
}
