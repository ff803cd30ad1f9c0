/**
 * A register's import from CSV (UTF-8 or GBK) or Excel (.xlsx, its first sheet: xlsx-read.ts), all
 * or nothing: every row is checked as a REST write would be (the row
 * schema, the township, the position in the district, the person's right to the row), rows the
 * person excluded are left out, and the rest are written in one transaction only if none has an
 * error. A dry run answers the same report and writes nothing. A row whose code the register
 * already holds is updated (re-importing a file never duplicates); an identical one is unchanged.
 */
import type { Actor } from '#domain/actor';
import type { ImportReport, ImportRow } from '#domain/api/registers';
import { decodeCsvBytes, parseCsv, readHeader, recordToInput } from '#domain/registers-csv';
import type { RegisterName } from '#domain/registers';
import { RegisterRefusal } from './refusal.ts';
import { isXlsx, xlsxRecords } from './xlsx-read.ts';
import { change, type Registers } from './registers.ts';
import type { RegisterBatch, StoredRegisterRow } from './repository.ts';
import { checkRow, type RowCheckContext } from './row-check.ts';

/** Larger files are split by the office; this keeps one import one bounded transaction. */
export const MAX_IMPORT_ROWS = 20_000;

export async function importCsv(
	deps: { registers: Registers; check: RowCheckContext; now?: () => number },
	actor: Actor,
	register: RegisterName,
	bytes: Uint8Array,
	opts: { dryRun: boolean; exclude: ReadonlySet<number> }
): Promise<ImportReport> {
	const { table, encoding } = await readTable(bytes);
	const [header, ...records] = table;
	if (!header) throw new RegisterRefusal('import-unreadable', 'the file is empty');
	if (records.length > MAX_IMPORT_ROWS)
		throw new RegisterRefusal('import-unreadable', `more than ${MAX_IMPORT_ROWS} rows: split the file`);
	const { keys, problems: fileErrors } = readHeader(register, header);

	const at = (deps.now ?? Date.now)();
	const codes = new Map<string, number>();
	const rows: ImportRow[] = [];
	const batch: RegisterBatch = { puts: [], deletes: [], changes: [], steps: [] };
	const existing = new Map(
		(
			await deps.registers.repo.byCodes(
				register,
				records.map((r) => (r[keys.indexOf('code')] ?? '').trim())
			)
		).map((r) => [r.code, r])
	);
	for (const [i, record] of records.entries()) {
		const line = i + 2;
		const code = (record[keys.indexOf('code')] ?? '').trim();
		if (opts.exclude.has(line)) {
			rows.push({ line, code, action: 'excluded', errors: [] });
			continue;
		}
		const { input: raw, problems } = recordToInput(register, keys, record);
		const errors = problems.map((p) => ({ field: p.field, problem: p.problem as string }));
		const firstLine = codes.get(code);
		if (code !== '' && firstLine !== undefined)
			errors.push({ field: 'code', problem: `duplicate-key:${firstLine}` });
		else codes.set(code, line);
		const checked = await checkRow(deps.check, register, raw);
		if (!checked.ok) errors.push(...checked.problems.filter((p) => !errors.some((e) => e.field === p.field)));
		if (errors.length || !checked.ok) {
			rows.push({ line, code, action: 'invalid', errors });
			continue;
		}
		const before = existing.get(code);
		const why =
			deps.registers.whyNot(actor, checked.input) ?? (before ? deps.registers.whyNot(actor, before) : null);
		if (why) {
			rows.push({ line, code, action: 'invalid', errors: [{ field: 'township', problem: why }] });
			continue;
		}
		if (!before) {
			const row = deps.registers.newRow(register, checked.input, at);
			batch.puts.push({ row, expectedVersion: null });
			batch.changes.push(change(row, null, row, 'import', actor.userId, at));
			if (register === 'hazards')
				batch.steps.push({
					hazardId: row.id,
					from: 'registered',
					to: 'registered',
					at,
					byUserId: actor.userId,
					note: '',
					dueAt: null
				});
			rows.push({ line, code, action: 'create', errors: [] });
			continue;
		}
		// The file has no demo column: a row keeps its mark (an exported demo row stays demo).
		const after: StoredRegisterRow = {
			...before,
			...checked.input,
			demo: before.demo,
			version: before.version + 1,
			updatedAt: at
		};
		if (sameContent(before, after)) {
			rows.push({ line, code, action: 'unchanged', errors: [] });
			continue;
		}
		batch.puts.push({ row: after, expectedVersion: before.version });
		batch.changes.push(change(after, before, after, 'import', actor.userId, at));
		rows.push({ line, code, action: 'update', errors: [] });
	}

	const report: ImportReport = {
		encoding,
		dryRun: opts.dryRun,
		applied: false,
		fileErrors,
		rows,
		created: rows.filter((r) => r.action === 'create').length,
		updated: rows.filter((r) => r.action === 'update').length
	};
	const invalid = rows.filter((r) => r.action === 'invalid');
	if (opts.dryRun) return report;
	if (fileErrors.length || invalid.length)
		throw new RegisterRefusal(
			'import-has-errors',
			`${invalid.length} rows and ${fileErrors.length} columns have errors: correct or exclude them; nothing was written`,
			[
				...fileErrors.map((f) => ({ path: `column.${f.column}`, message: f.problem })),
				...invalid.flatMap((r) =>
					r.errors.map((e) => ({ path: `line.${r.line}.${e.field}`, message: e.problem }))
				)
			]
		);
	await deps.registers.applyBatch(batch);
	return { ...report, applied: true };
}

/** The file's cells by row: an .xlsx workbook's first sheet, or CSV text in UTF-8 or GBK. */
async function readTable(
	bytes: Uint8Array
): Promise<{ table: string[][]; encoding: ImportReport['encoding'] }> {
	if (isXlsx(bytes)) return { table: await xlsxRecords(bytes), encoding: 'xlsx' };
	const { text, encoding } = decodeCsvBytes(bytes);
	return { table: parseCsv(text), encoding };
}

const CONTENT_KEYS = ['code', 'name', 'township', 'ownerOrgId', 'lon', 'lat', 'demo'] as const;

function sameContent(a: StoredRegisterRow, b: StoredRegisterRow): boolean {
	return CONTENT_KEYS.every((k) => a[k] === b[k]) && JSON.stringify(a.data) === JSON.stringify(b.data);
}
