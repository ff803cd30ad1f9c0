/**
 * A month of shifts from CSV (值班表导入). Columns, with a header row:
 * `date,start,end,officer,officer_phone,leader,leader_phone,note` — date `YYYY-MM-DD`, start and
 * end `HH:MM` in Beijing time (an end at or before the start is the next day), note optional.
 * Every row is checked; any error refuses the whole file, each error named with its row
 * (1 = the first data row) and column, so nothing is applied in part.
 */
import { ShiftInputSchema } from '#domain/api/duty';
import type { ApiIssue } from '#domain/api/errors';

export interface ParsedShift {
	startsAt: number;
	endsAt: number;
	officerName: string;
	officerPhone: string;
	leaderName: string;
	leaderPhone: string;
	note: string;
}

const COLUMNS = ['date', 'start', 'end', 'officer', 'officer_phone', 'leader', 'leader_phone', 'note'];

/** Splits CSV text into rows of fields (RFC 4180 quoting). */
export function splitCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	const src = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < src.length; i++) {
		const c = src[i]!;
		if (quoted) {
			if (c === '"' && src[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"' && field === '') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && src[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || row.length) {
		row.push(field);
		rows.push(row);
	}
	return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseRosterCsv(
	text: string,
	month: string
): { ok: true; shifts: ParsedShift[] } | { ok: false; issues: ApiIssue[] } {
	const rows = splitCsv(text);
	const issues: ApiIssue[] = [];
	const header = rows.shift()?.map((h) => h.trim().toLowerCase());
	if (!header || COLUMNS.slice(0, 7).some((c, i) => header[i] !== c))
		return {
			ok: false,
			issues: [{ path: 'header', message: `the first row names the columns: ${COLUMNS.join(',')}` }]
		};
	const shifts: ParsedShift[] = [];
	rows.forEach((cells, i) => {
		const n = i + 1;
		const at = (col: string) => (cells[COLUMNS.indexOf(col)] ?? '').trim();
		const date = at('date');
		if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00+08:00`))) {
			issues.push({ path: `row ${n}.date`, message: 'a date as YYYY-MM-DD' });
			return;
		}
		if (!date.startsWith(month + '-')) {
			issues.push({ path: `row ${n}.date`, message: `${date} is not in ${month}` });
			return;
		}
		const start = at('start');
		const end = at('end');
		if (!HHMM.test(start)) issues.push({ path: `row ${n}.start`, message: 'a time as HH:MM' });
		if (!HHMM.test(end)) issues.push({ path: `row ${n}.end`, message: 'a time as HH:MM' });
		if (!HHMM.test(start) || !HHMM.test(end)) return;
		const startsAt = Date.parse(`${date}T${start}:00+08:00`);
		let endsAt = Date.parse(`${date}T${end}:00+08:00`);
		if (endsAt <= startsAt) endsAt += 24 * 3_600_000;
		const r = ShiftInputSchema.safeParse({
			startsAt: new Date(startsAt).toISOString(),
			endsAt: new Date(endsAt).toISOString(),
			officerName: at('officer'),
			officerPhone: at('officer_phone'),
			leaderName: at('leader'),
			leaderPhone: at('leader_phone'),
			note: at('note')
		});
		if (!r.success) {
			const col: Record<string, string> = {
				officerName: 'officer',
				officerPhone: 'officer_phone',
				leaderName: 'leader',
				leaderPhone: 'leader_phone',
				note: 'note'
			};
			for (const issue of r.error.issues)
				issues.push({
					path: `row ${n}.${col[String(issue.path[0])] ?? String(issue.path[0])}`,
					message: issue.message
				});
			return;
		}
		const clash = shifts.findIndex((s) => s.startsAt < endsAt && s.endsAt > startsAt);
		if (clash >= 0) {
			issues.push({ path: `row ${n}.start`, message: `overlaps row ${rowOf.get(shifts[clash]!)}` });
			return;
		}
		const s = { startsAt, endsAt, ...pick(r.data) };
		rowOf.set(s, n);
		shifts.push(s);
	});
	return issues.length ? { ok: false, issues } : { ok: true, shifts };
}

const rowOf = new WeakMap<ParsedShift, number>();

function pick(d: {
	officerName: string;
	officerPhone: string;
	leaderName: string;
	leaderPhone: string;
	note: string;
}) {
	return {
		officerName: d.officerName,
		officerPhone: d.officerPhone,
		leaderName: d.leaderName,
		leaderPhone: d.leaderPhone,
		note: d.note
	};
}
