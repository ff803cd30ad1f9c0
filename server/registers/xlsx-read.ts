/**
 * Reading an Excel workbook (.xlsx) for a register import: the first sheet's cells as text, so the
 * rows then go through the same checks as a CSV file's (csv-import.ts).
 *
 * An upload is untrusted: a ZIP can say one size and inflate to gigabytes. So the archive is
 * unpacked here first, by its central directory, each XML part inflated by zlib with a hard cap on
 * what it may produce (MAX_UNPACKED_BYTES for all parts together, MAX_ENTRIES parts), and only the
 * parts that passed are handed to read-excel-file, packed again without compression: the library
 * then slices them and inflates nothing. It parses the XML with a SAX parser (no formulas run, no
 * external entities resolved).
 */
import { inflateRawSync } from 'node:zlib';
import { readSheet } from 'read-excel-file/universal';
import { RegisterRefusal } from './refusal.ts';

const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

const unreadable = (why: string) => new RegisterRefusal('import-unreadable', `the .xlsx file ${why}`);

/** A ZIP archive (an .xlsx workbook is one) starts with a local file header. */
export function isXlsx(bytes: Uint8Array): boolean {
	return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The workbook's XML parts, unpacked within the limits, by name. Throws `import-unreadable` for a
 * damaged archive, an encrypted or oddly compressed part, or one that unpacks beyond the limits.
 */
export function unpackXmlParts(bytes: Uint8Array): Map<string, Uint8Array> {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const u16 = (at: number) => view.getUint16(at, true);
	const u32 = (at: number) => view.getUint32(at, true);
	let end = -1;
	for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--)
		if (u32(at) === 0x06054b50) {
			end = at;
			break;
		}
	if (end < 0) throw unreadable('is damaged (no ZIP directory)');
	const entries = u16(end + 10);
	if (entries > MAX_ENTRIES) throw unreadable('has too many parts');
	const names = new TextDecoder();
	const parts = new Map<string, Uint8Array>();
	let budget = MAX_UNPACKED_BYTES;
	let p = u32(end + 16);
	for (let n = 0; n < entries; n++) {
		if (p + 46 > bytes.length || u32(p) !== 0x02014b50) throw unreadable('is damaged (bad ZIP directory)');
		const flags = u16(p + 8);
		const method = u16(p + 10);
		const compressed = u32(p + 20);
		const nameLength = u16(p + 28);
		const local = u32(p + 42);
		const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLength));
		p += 46 + nameLength + u16(p + 30) + u16(p + 32);
		if (!/\.(xml|rels)$/.test(name)) continue;
		if (flags & 1) throw unreadable('is encrypted');
		if (local + 30 > bytes.length || u32(local) !== 0x04034b50)
			throw unreadable('is damaged (bad part header)');
		const start = local + 30 + u16(local + 26) + u16(local + 28);
		if (compressed === 0xffffffff || start + compressed > bytes.length)
			throw unreadable('is damaged (part cut off)');
		const data = bytes.subarray(start, start + compressed);
		let plain: Uint8Array;
		if (method === 0) plain = data;
		else if (method === 8) {
			try {
				plain = inflateRawSync(data, { maxOutputLength: Math.max(1, budget) });
			} catch (err) {
				if (err instanceof RangeError) throw unreadable('is too large once unpacked: split it');
				throw unreadable('is damaged (a part does not inflate)');
			}
		} else throw unreadable(`uses a compression this server does not read (${method})`);
		budget -= plain.length;
		if (budget < 0) throw unreadable('is too large once unpacked: split it');
		parts.set(name, plain);
	}
	return parts;
}

/** The parts as a ZIP stored without compression (what the library is given). */
function storedZip(parts: ReadonlyMap<string, Uint8Array>): ArrayBuffer {
	const enc = new TextEncoder();
	const files = [...parts].map(([name, data]) => ({ name: enc.encode(name), data }));
	const localSize = files.reduce((s, f) => s + 30 + f.name.length + f.data.length, 0);
	const centralSize = files.reduce((s, f) => s + 46 + f.name.length, 0);
	const out = new ArrayBuffer(localSize + centralSize + 22);
	const bytes = new Uint8Array(out);
	const view = new DataView(out);
	let p = 0;
	let c = localSize;
	for (const f of files) {
		const crc = crc32(f.data);
		view.setUint32(c, 0x02014b50, true);
		view.setUint16(c + 4, 20, true);
		view.setUint16(c + 6, 20, true);
		view.setUint16(c + 8, 0x0800, true);
		view.setUint32(c + 16, crc, true);
		view.setUint32(c + 20, f.data.length, true);
		view.setUint32(c + 24, f.data.length, true);
		view.setUint16(c + 28, f.name.length, true);
		view.setUint32(c + 42, p, true);
		bytes.set(f.name, c + 46);
		c += 46 + f.name.length;
		view.setUint32(p, 0x04034b50, true);
		view.setUint16(p + 4, 20, true);
		view.setUint16(p + 6, 0x0800, true);
		view.setUint32(p + 14, crc, true);
		view.setUint32(p + 18, f.data.length, true);
		view.setUint32(p + 22, f.data.length, true);
		view.setUint16(p + 26, f.name.length, true);
		bytes.set(f.name, p + 30);
		bytes.set(f.data, p + 30 + f.name.length);
		p += 30 + f.name.length + f.data.length;
	}
	view.setUint32(c, 0x06054b50, true);
	view.setUint16(c + 8, files.length, true);
	view.setUint16(c + 10, files.length, true);
	view.setUint32(c + 12, centralSize, true);
	view.setUint32(c + 16, localSize, true);
	return out;
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c;
});

function crc32(data: Uint8Array): number {
	let c = -1;
	for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
	return (c ^ -1) >>> 0;
}

function cellText(v: unknown): string {
	if (v === null || v === undefined) return '';
	// A date cell (盘点日期) as the CSV import reads dates.
	if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
	return String(v);
}

/** The first sheet's rows, each cell as text (empty for an empty cell). */
export async function xlsxRecords(bytes: Uint8Array): Promise<string[][]> {
	const parts = unpackXmlParts(bytes);
	let rows: unknown[][];
	try {
		rows = (await readSheet(storedZip(parts))) as unknown[][];
	} catch (err) {
		throw unreadable(`cannot be read as a workbook (${err instanceof Error ? err.message : String(err)})`);
	}
	return rows.map((row) => row.map(cellText));
}
