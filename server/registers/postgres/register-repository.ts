/**
 * The registers' repository on PostgreSQL (tables in schema.ts). A batch is one transaction: rows
 * are written a thousand to a statement (a 20,000-row import is a few statements, not 20,000 round
 * trips), versions are checked in the UPDATE's own WHERE, and the unique constraints refuse a
 * second row with a code, also against a concurrent writer on another node.
 */
import type { HazardStatus } from '#domain/registers-hazard';
import type { RegisterName } from '#domain/registers';
import { inTransaction, type PgClient, type PgPool } from '../../store/postgres/database.ts';
import {
	COMMITMENT_COLUMNS,
	commitmentOf,
	RegisterConflict,
	type CommitmentTableRow,
	type CommitmentQuery,
	type RecordedHazardStep,
	type RecordedRegisterChange,
	type RegisterBatch,
	type RegisterChangeAction,
	type RegisterCommitment,
	type RegisterQuery,
	type RegisterRepository,
	type StoredRegisterRow
} from '../repository.ts';
import {
	REGISTER_ROW_COLUMNS,
	registerRecordOf,
	registerRowOf,
	type RegisterRowCodec,
	type RegisterRowRecord
} from '../register-row.ts';

/** PostgreSQL keeps the flag as a boolean and the free fields as jsonb. */
const CODEC: RegisterRowCodec<boolean, Record<string, unknown>> = {
	flag: (stored) => stored,
	storeFlag: (flag) => flag,
	data: (stored) => stored,
	storeData: (data) => data
};
type RowRecord = RegisterRowRecord<boolean, Record<string, unknown>>;
const fromRecord = (r: RowRecord): StoredRegisterRow => registerRowOf(r, CODEC);
const toRecord = (row: StoredRegisterRow): RowRecord => registerRecordOf(row, CODEC);

const COLUMNS = REGISTER_ROW_COLUMNS;
/** The columns' types, for jsonb_to_recordset. */
const RECORD_TYPES = `register text, id text, code text, name text, township text, owner_org_id text,
	lon double precision, lat double precision, demo boolean, data jsonb, status text, status_detail text,
	status_at text, due_at text, version integer, created_at bigint, updated_at bigint`;
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
	return out;
}

/** A unique constraint refused a write: which one, and the key it names. */
function uniqueViolation(err: unknown): RegisterConflict | null {
	const e = err as { code?: string; constraint?: string; detail?: string };
	if (e.code !== '23505') return null;
	const key = /\)=\(([^,]+), (.*)\) already exists/.exec(e.detail ?? '');
	const register = (key?.[1] ?? 'teams') as RegisterName;
	if (e.constraint === 'register_rows_code')
		return new RegisterConflict('duplicate-code', register, key?.[2] ?? '');
	if (e.constraint === 'register_rows_pkey')
		return new RegisterConflict('row-exists', register, key?.[2] ?? '');
	return null;
}

export class PgRegisterRepository implements RegisterRepository {
	constructor(private readonly pool: PgPool) {}

	async list(
		register: RegisterName,
		q: RegisterQuery
	): Promise<{ rows: StoredRegisterRow[]; total: number }> {
		const params: unknown[] = [register];
		const param = (v: unknown): string => {
			params.push(v);
			return `$${params.length}`;
		};
		const where = ['register = $1'];
		if (q.township !== undefined) where.push(`township = ${param(q.township)}`);
		if (q.ownerOrgId !== undefined) where.push(`owner_org_id = ${param(q.ownerOrgId)}`);
		if (q.status !== undefined) where.push(`status = ${param(q.status)}`);
		if (q.overdueAt !== undefined)
			where.push(
				`due_at IS NOT NULL AND due_at < ${param(q.overdueAt)} AND (status IS NULL OR status <> 'closed')`
			);
		if (q.box !== undefined)
			where.push(
				`lon BETWEEN ${param(q.box[0])} AND ${param(q.box[2])} AND lat BETWEEN ${param(q.box[1])} AND ${param(q.box[3])}`
			);
		// strpos rather than LIKE: no wildcard escaping (as SQLite's instr).
		if (q.q !== undefined && q.q !== '') {
			const text = param(q.q.toLowerCase());
			where.push(`(strpos(lower(name), ${text}) > 0 OR strpos(lower(code), ${text}) > 0)`);
		}
		const sql = where.join(' AND ');
		const filterParams = [...params];
		const total = (
			await this.pool.query<{ n: number }>(
				`SELECT count(*) AS n FROM register_rows WHERE ${sql}`,
				filterParams
			)
		).rows[0]!.n;
		const rows = await this.pool.query<RowRecord>(
			`SELECT ${COLUMNS} FROM register_rows WHERE ${sql} ORDER BY code LIMIT ${param(q.limit)} OFFSET ${param(q.offset)}`,
			params
		);
		return { rows: rows.rows.map(fromRecord), total };
	}

	async get(register: RegisterName, id: string): Promise<StoredRegisterRow | undefined> {
		const res = await this.pool.query<RowRecord>(
			`SELECT ${COLUMNS} FROM register_rows WHERE register = $1 AND id = $2`,
			[register, id]
		);
		return res.rows[0] && fromRecord(res.rows[0]);
	}

	async byCodes(register: RegisterName, codes: readonly string[]): Promise<StoredRegisterRow[]> {
		if (codes.length === 0) return [];
		const res = await this.pool.query<RowRecord>(
			`SELECT ${COLUMNS} FROM register_rows WHERE register = $1 AND code = ANY($2::text[]) ORDER BY code`,
			[register, [...new Set(codes)]]
		);
		return res.rows.map(fromRecord);
	}

	async all(register: RegisterName): Promise<StoredRegisterRow[]> {
		const res = await this.pool.query<RowRecord>(
			`SELECT ${COLUMNS} FROM register_rows WHERE register = $1 ORDER BY code`,
			[register]
		);
		return res.rows.map(fromRecord);
	}

	async count(register: RegisterName): Promise<number> {
		return (
			await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM register_rows WHERE register = $1', [
				register
			])
		).rows[0]!.n;
	}

	async apply(batch: RegisterBatch): Promise<void> {
		try {
			await inTransaction(this.pool, (c) => this.#apply(c, batch));
		} catch (err) {
			throw uniqueViolation(err) ?? err;
		}
	}

	async #apply(c: PgClient, batch: RegisterBatch): Promise<void> {
		for (const d of batch.deletes) {
			const res = await c.query(
				'DELETE FROM register_rows WHERE register = $1 AND id = $2 AND version = $3',
				[d.register, d.id, d.expectedVersion]
			);
			if (res.rowCount !== 1) throw new RegisterConflict('row-changed', d.register, d.id);
		}
		const updates = batch.puts.filter((p) => p.expectedVersion !== null);
		for (const part of chunks(updates)) {
			const res = await c.query<{ register: string; id: string }>(
				`UPDATE register_rows r SET code = x.code, name = x.name, township = x.township,
					owner_org_id = x.owner_org_id, lon = x.lon, lat = x.lat, demo = x.demo, data = x.data,
					status = x.status, status_detail = x.status_detail, status_at = x.status_at, due_at = x.due_at,
					version = x.version, updated_at = x.updated_at
				 FROM jsonb_to_recordset($1::jsonb) AS x(${RECORD_TYPES}, expected integer)
				 WHERE r.register = x.register AND r.id = x.id AND r.version = x.expected
				 RETURNING r.register, r.id`,
				[JSON.stringify(part.map((p) => ({ ...toRecord(p.row), expected: p.expectedVersion })))]
			);
			if (res.rowCount !== part.length) {
				const done = new Set(res.rows.map((r) => `${r.register}/${r.id}`));
				const stale = part.find((p) => !done.has(`${p.row.register}/${p.row.id}`))!.row;
				throw new RegisterConflict('row-changed', stale.register, stale.id);
			}
		}
		const inserts = batch.puts.filter((p) => p.expectedVersion === null).map((p) => p.row);
		for (const part of chunks(inserts)) {
			// A row that exists already is named as such, not as a second holder of its code.
			const existing = await c.query<{ register: string; id: string }>(
				`SELECT r.register, r.id FROM register_rows r
				 JOIN unnest($1::text[], $2::text[]) AS x(register, id) ON r.register = x.register AND r.id = x.id LIMIT 1`,
				[part.map((r) => r.register), part.map((r) => r.id)]
			);
			const found = existing.rows[0];
			if (found) throw new RegisterConflict('row-exists', found.register as RegisterName, found.id);
			await c.query(
				`INSERT INTO register_rows (${COLUMNS})
				 SELECT ${COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS x(${RECORD_TYPES})`,
				[JSON.stringify(part.map(toRecord))]
			);
		}
		for (const part of chunks(batch.changes)) {
			await c.query(
				`INSERT INTO register_changes (register, row_id, at, by_user_id, action, before, after)
				 SELECT register, row_id, at, by_user_id, action, before, after
				 FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
				   AS (register text, row_id text, at bigint, by_user_id text, action text, before jsonb, after jsonb))
				   WITH ORDINALITY AS x(register, row_id, at, by_user_id, action, before, after, n)
				 ORDER BY n`,
				[
					JSON.stringify(
						part.map((ch) => ({
							register: ch.register,
							row_id: ch.rowId,
							at: ch.at,
							by_user_id: ch.byUserId,
							action: ch.action,
							before: ch.before,
							after: ch.after
						}))
					)
				]
			);
		}
		for (const part of chunks(batch.steps)) {
			await c.query(
				`INSERT INTO hazard_steps (hazard_id, from_status, to_status, at, by_user_id, note, due_at)
				 SELECT hazard_id, from_status, to_status, at, by_user_id, note, due_at
				 FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
				   AS (hazard_id text, from_status text, to_status text, at bigint, by_user_id text, note text, due_at text))
				   WITH ORDINALITY AS x(hazard_id, from_status, to_status, at, by_user_id, note, due_at, n)
				 ORDER BY n`,
				[
					JSON.stringify(
						part.map((s) => ({
							hazard_id: s.hazardId,
							from_status: s.from,
							to_status: s.to,
							at: s.at,
							by_user_id: s.byUserId,
							note: s.note,
							due_at: s.dueAt
						}))
					)
				]
			);
		}
		for (const m of batch.commitments ?? [])
			await c.query(
				`INSERT INTO register_commitments (id, incident_id, task_id, register, row_id, quantity, by_user_id, at)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				[m.id, m.incidentId, m.taskId, m.register, m.rowId, m.quantity, m.byUserId, m.at]
			);
		for (const r of batch.releases ?? []) {
			const res = await c.query(
				'UPDATE register_commitments SET released_at = $1, released_by = $2 WHERE id = $3 AND released_at IS NULL',
				[r.at, r.byUserId, r.id]
			);
			if (res.rowCount !== 1) throw new RegisterConflict('commitment-released', r.register, r.id);
		}
	}

	async changes(register: RegisterName, rowId: string, limit: number): Promise<RecordedRegisterChange[]> {
		const res = await this.pool.query<{
			seq: number;
			register: string;
			row_id: string;
			at: number;
			by_user_id: string | null;
			action: string;
			before: StoredRegisterRow | null;
			after: StoredRegisterRow | null;
		}>(
			`SELECT seq, register, row_id, at, by_user_id, action, before, after FROM register_changes
			 WHERE register = $1 AND row_id = $2 ORDER BY seq DESC LIMIT $3`,
			[register, rowId, limit]
		);
		return res.rows.map((r) => ({
			seq: r.seq,
			register: r.register as RegisterName,
			rowId: r.row_id,
			at: r.at,
			byUserId: r.by_user_id,
			action: r.action as RegisterChangeAction,
			before: r.before,
			after: r.after
		}));
	}

	async hazardSteps(hazardId: string): Promise<RecordedHazardStep[]> {
		const res = await this.pool.query<{
			seq: number;
			hazard_id: string;
			from_status: string;
			to_status: string;
			at: number;
			by_user_id: string | null;
			note: string;
			due_at: string | null;
		}>(
			`SELECT seq, hazard_id, from_status, to_status, at, by_user_id, note, due_at FROM hazard_steps
			 WHERE hazard_id = $1 ORDER BY seq`,
			[hazardId]
		);
		return res.rows.map((r) => ({
			seq: r.seq,
			hazardId: r.hazard_id,
			from: r.from_status as HazardStatus,
			to: r.to_status as HazardStatus,
			at: r.at,
			byUserId: r.by_user_id,
			note: r.note,
			dueAt: r.due_at
		}));
	}

	async commitments(q: CommitmentQuery): Promise<RegisterCommitment[]> {
		const params: unknown[] = [];
		const param = (v: unknown): string => {
			params.push(v);
			return `$${params.length}`;
		};
		const where = ['true'];
		if (q.incidentId !== undefined) where.push(`incident_id = ${param(q.incidentId)}`);
		if (q.register !== undefined) where.push(`register = ${param(q.register)}`);
		if (q.rowId !== undefined) where.push(`row_id = ${param(q.rowId)}`);
		if (q.unreleasedOnly !== false) where.push('released_at IS NULL');
		const res = await this.pool.query<CommitmentTableRow>(
			`SELECT ${COMMITMENT_COLUMNS} FROM register_commitments WHERE ${where.join(' AND ')} ORDER BY seq`,
			params
		);
		return res.rows.map(commitmentOf);
	}

	async getCommitment(id: string): Promise<RegisterCommitment | undefined> {
		const res = await this.pool.query<CommitmentTableRow>(
			`SELECT ${COMMITMENT_COLUMNS} FROM register_commitments WHERE id = $1`,
			[id]
		);
		return res.rows[0] && commitmentOf(res.rows[0]);
	}
}
