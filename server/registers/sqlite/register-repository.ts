/** The registers' repository on SQLite (tables in schema.ts). Each call does its work before its promise settles. */
import type { HazardStatus } from '#domain/registers-hazard';
import type { RegisterName } from '#domain/registers';
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
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

/** SQLite keeps the flag as 0/1 and the free fields as JSON text. */
const CODEC: RegisterRowCodec<number, string> = {
	flag: (stored) => stored === 1,
	storeFlag: (flag) => (flag ? 1 : 0),
	data: (stored) => JSON.parse(stored) as Record<string, unknown>,
	storeData: (data) => JSON.stringify(data)
};
type RowRecord = RegisterRowRecord<number, string>;
const fromRecord = (r: RowRecord): StoredRegisterRow => registerRowOf(r, CODEC);
const params = (row: StoredRegisterRow): RowRecord => registerRecordOf(row, CODEC);

const COLUMNS = REGISTER_ROW_COLUMNS;

export class SqliteRegisterRepository implements RegisterRepository {
	readonly #db: SqliteDatabase;

	constructor(db: SqliteDatabase) {
		this.#db = db;
	}

	async list(
		register: RegisterName,
		q: RegisterQuery
	): Promise<{ rows: StoredRegisterRow[]; total: number }> {
		const where = ['register = @register'];
		const args: Record<string, unknown> = { register, limit: q.limit, offset: q.offset };
		if (q.township !== undefined) {
			where.push('township = @township');
			args.township = q.township;
		}
		if (q.ownerOrgId !== undefined) {
			where.push('owner_org_id = @owner');
			args.owner = q.ownerOrgId;
		}
		if (q.status !== undefined) {
			where.push('status = @status');
			args.status = q.status;
		}
		if (q.overdueAt !== undefined) {
			where.push("due_at IS NOT NULL AND due_at < @overdue AND (status IS NULL OR status <> 'closed')");
			args.overdue = q.overdueAt;
		}
		if (q.box !== undefined) {
			where.push('lon BETWEEN @minLon AND @maxLon AND lat BETWEEN @minLat AND @maxLat');
			Object.assign(args, { minLon: q.box[0], minLat: q.box[1], maxLon: q.box[2], maxLat: q.box[3] });
		}
		if (q.q !== undefined && q.q !== '') {
			where.push('(instr(lower(name), @q) > 0 OR instr(lower(code), @q) > 0)');
			args.q = q.q.toLowerCase();
		}
		const sql = where.join(' AND ');
		const total = (
			this.#db.prepare(`SELECT count(*) AS n FROM register_rows WHERE ${sql}`).get(args) as {
				n: number;
			}
		).n;
		const rows = this.#db
			.prepare(`SELECT ${COLUMNS} FROM register_rows WHERE ${sql} ORDER BY code LIMIT @limit OFFSET @offset`)
			.all(args) as RowRecord[];
		return { rows: rows.map(fromRecord), total };
	}

	async get(register: RegisterName, id: string): Promise<StoredRegisterRow | undefined> {
		const r = this.#db
			.prepare(`SELECT ${COLUMNS} FROM register_rows WHERE register = ? AND id = ?`)
			.get(register, id) as RowRecord | undefined;
		return r && fromRecord(r);
	}

	async byCodes(register: RegisterName, codes: readonly string[]): Promise<StoredRegisterRow[]> {
		const stmt = this.#db.prepare(`SELECT ${COLUMNS} FROM register_rows WHERE register = ? AND code = ?`);
		const out: StoredRegisterRow[] = [];
		for (const code of new Set(codes)) {
			const r = stmt.get(register, code) as RowRecord | undefined;
			if (r) out.push(fromRecord(r));
		}
		return out;
	}

	async all(register: RegisterName): Promise<StoredRegisterRow[]> {
		const rows = this.#db
			.prepare(`SELECT ${COLUMNS} FROM register_rows WHERE register = ? ORDER BY code`)
			.all(register) as RowRecord[];
		return rows.map(fromRecord);
	}

	async count(register: RegisterName): Promise<number> {
		return (
			this.#db.prepare('SELECT count(*) AS n FROM register_rows WHERE register = ?').get(register) as {
				n: number;
			}
		).n;
	}

	async apply(batch: RegisterBatch): Promise<void> {
		const db = this.#db;
		const insert = db.prepare(`INSERT INTO register_rows (${COLUMNS}) VALUES (@register, @id, @code, @name,
			@township, @owner_org_id, @lon, @lat, @demo, @data, @status, @status_detail, @status_at, @due_at,
			@version, @created_at, @updated_at)`);
		const update = db.prepare(`UPDATE register_rows SET code = @code, name = @name, township = @township,
			owner_org_id = @owner_org_id, lon = @lon, lat = @lat, demo = @demo, data = @data, status = @status,
			status_detail = @status_detail, status_at = @status_at, due_at = @due_at, version = @version,
			updated_at = @updated_at WHERE register = @register AND id = @id AND version = @expected`);
		const codeOwner = db.prepare('SELECT id FROM register_rows WHERE register = ? AND code = ?');
		const exists = db.prepare('SELECT 1 FROM register_rows WHERE register = ? AND id = ?');
		const remove = db.prepare('DELETE FROM register_rows WHERE register = ? AND id = ? AND version = ?');
		const change =
			db.prepare(`INSERT INTO register_changes (register, row_id, at, by_user_id, action, before, after)
			VALUES (?, ?, ?, ?, ?, ?, ?)`);
		const step =
			db.prepare(`INSERT INTO hazard_steps (hazard_id, from_status, to_status, at, by_user_id, note, due_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`);
		const commit = db.prepare(`INSERT INTO register_commitments (id, incident_id, task_id, register, row_id,
			quantity, by_user_id, at) VALUES (@id, @incidentId, @taskId, @register, @rowId, @quantity, @byUserId, @at)`);
		const release = db.prepare(
			'UPDATE register_commitments SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL'
		);
		db.transaction(() => {
			for (const d of batch.deletes) {
				if (remove.run(d.register, d.id, d.expectedVersion).changes !== 1)
					throw new RegisterConflict('row-changed', d.register, d.id);
			}
			for (const { row, expectedVersion } of batch.puts) {
				const holder = codeOwner.get(row.register, row.code) as { id: string } | undefined;
				if (holder && holder.id !== row.id)
					throw new RegisterConflict('duplicate-code', row.register, row.code);
				if (expectedVersion === null) {
					if (exists.get(row.register, row.id))
						throw new RegisterConflict('row-exists', row.register, row.id);
					insert.run(params(row));
				} else if (update.run({ ...params(row), expected: expectedVersion }).changes !== 1) {
					throw new RegisterConflict('row-changed', row.register, row.id);
				}
			}
			for (const c of batch.changes)
				change.run(
					c.register,
					c.rowId,
					c.at,
					c.byUserId,
					c.action,
					c.before && JSON.stringify(c.before),
					c.after && JSON.stringify(c.after)
				);
			for (const s of batch.steps) step.run(s.hazardId, s.from, s.to, s.at, s.byUserId, s.note, s.dueAt);
			for (const c of batch.commitments ?? []) {
				const { releasedAt: _r, releasedBy: _b, ...fields } = c;
				commit.run(fields);
			}
			for (const r of batch.releases ?? [])
				if (release.run(r.at, r.byUserId, r.id).changes !== 1)
					throw new RegisterConflict('commitment-released', r.register, r.id);
		})();
	}

	async changes(register: RegisterName, rowId: string, limit: number): Promise<RecordedRegisterChange[]> {
		const rows = this.#db
			.prepare(
				`SELECT seq, register, row_id, at, by_user_id, action, before, after FROM register_changes
				 WHERE register = ? AND row_id = ? ORDER BY seq DESC LIMIT ?`
			)
			.all(register, rowId, limit) as Array<{
			seq: number;
			register: string;
			row_id: string;
			at: number;
			by_user_id: string | null;
			action: string;
			before: string | null;
			after: string | null;
		}>;
		return rows.map((r) => ({
			seq: r.seq,
			register: r.register as RegisterName,
			rowId: r.row_id,
			at: r.at,
			byUserId: r.by_user_id,
			action: r.action as RegisterChangeAction,
			before: r.before === null ? null : (JSON.parse(r.before) as StoredRegisterRow),
			after: r.after === null ? null : (JSON.parse(r.after) as StoredRegisterRow)
		}));
	}

	async hazardSteps(hazardId: string): Promise<RecordedHazardStep[]> {
		const rows = this.#db
			.prepare(
				`SELECT seq, hazard_id, from_status, to_status, at, by_user_id, note, due_at FROM hazard_steps
				 WHERE hazard_id = ? ORDER BY seq`
			)
			.all(hazardId) as Array<{
			seq: number;
			hazard_id: string;
			from_status: string;
			to_status: string;
			at: number;
			by_user_id: string | null;
			note: string;
			due_at: string | null;
		}>;
		return rows.map((r) => ({
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
		const where = ['1 = 1'];
		const args: Record<string, unknown> = {};
		if (q.incidentId !== undefined) {
			where.push('incident_id = @incident');
			args.incident = q.incidentId;
		}
		if (q.register !== undefined) {
			where.push('register = @register');
			args.register = q.register;
		}
		if (q.rowId !== undefined) {
			where.push('row_id = @row');
			args.row = q.rowId;
		}
		if (q.unreleasedOnly !== false) where.push('released_at IS NULL');
		const rows = this.#db
			.prepare(
				`SELECT ${COMMITMENT_COLUMNS} FROM register_commitments WHERE ${where.join(' AND ')} ORDER BY seq`
			)
			.all(args) as CommitmentTableRow[];
		return rows.map(commitmentOf);
	}

	async getCommitment(id: string): Promise<RegisterCommitment | undefined> {
		const r = this.#db
			.prepare(`SELECT ${COMMITMENT_COLUMNS} FROM register_commitments WHERE id = ?`)
			.get(id) as CommitmentTableRow | undefined;
		return r && commitmentOf(r);
	}
}
