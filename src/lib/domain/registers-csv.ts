/**
 * Registers as CSV: reading and writing RFC 4180 text, the columns of each register, and turning
 * one CSV record into a row input (strings into numbers, empty cells into defaults). Headers may be
 * the column keys or their Chinese names, as offices write them. Decoding bytes (UTF-8 or GBK) is
 * the caller's: `decodeCsvBytes`.
 */
import type { RegisterName } from './registers.ts';

/** Columns every register has, then each register's own, in export order. */
export const BASE_COLUMNS = ['code', 'name', 'township', 'ownerOrgId', 'lon', 'lat'] as const;

export const DATA_COLUMNS: Readonly<Record<RegisterName, readonly string[]>> = {
	teams: ['teamType', 'size', 'leader', 'contact', 'capabilities', 'equipmentHeld', 'availability'],
	depots: ['level', 'keeper', 'contact'],
	supplies: ['depot', 'item', 'quantity', 'unit', 'lastCheckedAt'],
	equipment: ['item', 'quantity', 'location', 'status'],
	experts: ['field', 'organisation', 'contact'],
	shelters: ['capacity', 'occupancy', 'facilities', 'keeper', 'contact'],
	hazards: [
		'hazardType',
		'threatenedPeople',
		'threatenedProperty',
		'monitor',
		'monitorMethod',
		'responsible',
		'contact'
	],
	cameras: ['cameraKind', 'url', 'owner']
};

const NUMERIC = new Set([
	'lon',
	'lat',
	'size',
	'quantity',
	'capacity',
	'occupancy',
	'threatenedPeople',
	'threatenedProperty'
]);
const NULLABLE = new Set(['township', 'ownerOrgId', 'lon', 'lat', 'lastCheckedAt']);

/** Chinese column names accepted on import (export writes the keys). */
export const COLUMN_NAMES_ZH: Readonly<Record<string, string>> = {
	code: '编号',
	name: '名称',
	township: '乡镇',
	ownerOrgId: '所属单位',
	lon: '经度',
	lat: '纬度',
	teamType: '队伍类型',
	size: '人数',
	leader: '负责人',
	contact: '联系电话',
	capabilities: '能力',
	equipmentHeld: '装备',
	availability: '状态',
	level: '级别',
	keeper: '管理人',
	depot: '储备库编号',
	item: '品名',
	quantity: '数量',
	unit: '单位',
	lastCheckedAt: '盘点日期',
	location: '存放地点',
	status: '装备状态',
	field: '专业领域',
	organisation: '工作单位',
	capacity: '容量',
	occupancy: '当前安置',
	facilities: '设施',
	hazardType: '隐患类型',
	threatenedPeople: '威胁人数',
	threatenedProperty: '威胁财产(万元)',
	monitor: '监测人',
	monitorMethod: '监测方式',
	responsible: '责任人',
	cameraKind: '监控类型',
	url: '视频地址',
	owner: '权属单位'
};

export function columnsOf(register: RegisterName): string[] {
	return [...BASE_COLUMNS, ...DATA_COLUMNS[register]];
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF); a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
	const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
	const records: string[][] = [];
	let record: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (quoted) {
			if (c === '"') {
				if (s[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += c;
		} else if (c === '"' && field === '') quoted = true;
		else if (c === ',') {
			record.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && s[i + 1] === '\n') i++;
			record.push(field);
			records.push(record);
			record = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || record.length > 0) {
		record.push(field);
		records.push(record);
	}
	return records.filter((r) => !(r.length === 1 && (r[0] ?? '').trim() === ''));
}

function quote(v: string): string {
	// A cell a spreadsheet would run as a formula is prefixed with an apostrophe (CSV injection).
	const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function formatCsv(records: ReadonlyArray<ReadonlyArray<string>>): string {
	return records.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}

/** Text from CSV bytes: UTF-8 when they are valid UTF-8 (with or without BOM), otherwise GBK. */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gbk' } {
	try {
		return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
	} catch {
		return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk' };
	}
}

export type CsvCellProblem = 'bad-number' | 'unknown-column' | 'missing-column';

/** Maps a header row to column keys; unknown headers are reported, not guessed. */
export function readHeader(
	register: RegisterName,
	header: readonly string[]
): { keys: Array<string | null>; problems: Array<{ column: string; problem: CsvCellProblem }> } {
	const known = new Set(columnsOf(register));
	const byZh = new Map(Object.entries(COLUMN_NAMES_ZH).map(([k, zh]) => [zh, k]));
	const problems: Array<{ column: string; problem: CsvCellProblem }> = [];
	const keys = header.map((h) => {
		const t = h.trim();
		const key = known.has(t) ? t : (byZh.get(t) ?? null);
		if (key === null || !known.has(key)) {
			problems.push({ column: t, problem: 'unknown-column' });
			return null;
		}
		return key;
	});
	for (const required of ['code', 'name'])
		if (!keys.includes(required)) problems.push({ column: required, problem: 'missing-column' });
	return { keys, problems };
}

/**
 * One CSV record as a row input (before the row schema checks it): base columns at the top, the
 * register's own under `data`. Empty cells are left out (the schema's defaults apply) or null.
 */
export function recordToInput(
	register: RegisterName,
	keys: ReadonlyArray<string | null>,
	record: readonly string[]
): { input: Record<string, unknown>; problems: Array<{ field: string; problem: CsvCellProblem }> } {
	const base: Record<string, unknown> = { township: null, ownerOrgId: null, lon: null, lat: null };
	const data: Record<string, unknown> = {};
	const problems: Array<{ field: string; problem: CsvCellProblem }> = [];
	const own = new Set(DATA_COLUMNS[register]);
	keys.forEach((key, i) => {
		if (key === null) return;
		const raw = (record[i] ?? '').trim();
		let value: unknown;
		if (raw === '') value = NULLABLE.has(key) ? null : undefined;
		else if (NUMERIC.has(key)) {
			const n = Number(raw.replace(/,/g, ''));
			if (!Number.isFinite(n)) problems.push({ field: key, problem: 'bad-number' });
			value = n;
		} else value = raw;
		if (value === undefined) return;
		if (own.has(key)) data[key] = value;
		else base[key] = value;
	});
	return { input: { ...base, data }, problems };
}

/** A stored row as a CSV record, in `columnsOf` order. */
export function rowToRecord(
	register: RegisterName,
	row: { [k: string]: unknown; data: Record<string, unknown> }
): string[] {
	const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
	return [...BASE_COLUMNS.map((k) => cell(row[k])), ...DATA_COLUMNS[register].map((k) => cell(row.data[k]))];
}
