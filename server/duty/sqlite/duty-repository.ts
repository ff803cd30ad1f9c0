/** The embedded DutyRepository on the tables of ./schema.ts. */
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
import { latestPerOrg, type DutyRepository, type HandoverRow, type ShiftRow } from '../duty-repository.ts';
import { handoverOf, shiftOf, type HandoverDbRow, type ShiftDbRow } from '../duty-rows.ts';

export class SqliteDutyRepository implements DutyRepository {
	readonly #db: SqliteDatabase;

	constructor(db: SqliteDatabase) {
		this.#db = db;
	}

	#insert(s: ShiftRow, by: string): void {
		this.#db
			.prepare(
				`INSERT INTO duty_shifts (id, org_id, starts_at, ends_at, officer_name, officer_phone,
				 leader_name, leader_phone, note, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`
			)
			.run(
				s.id,
				s.orgId,
				s.startsAt,
				s.endsAt,
				s.officerName,
				s.officerPhone,
				s.leaderName,
				s.leaderPhone,
				s.note,
				by,
				Date.now()
			);
	}

	async addShift(shift: ShiftRow, by: string): Promise<{ ok: true } | { ok: false; overlaps: ShiftRow }> {
		return this.#db.transaction(() => {
			const clash = this.#db
				.prepare('SELECT * FROM duty_shifts WHERE org_id = ? AND starts_at < ? AND ends_at > ? LIMIT 1')
				.get(shift.orgId, shift.endsAt, shift.startsAt) as ShiftDbRow | undefined;
			if (clash) return { ok: false as const, overlaps: shiftOf(clash) };
			this.#insert(shift, by);
			return { ok: true as const };
		})();
	}

	async removeShift(orgId: string, id: string): Promise<boolean> {
		return this.#db.prepare('DELETE FROM duty_shifts WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
	}

	async shifts(orgId: string, from: number, to: number): Promise<ShiftRow[]> {
		const rows = this.#db
			.prepare(
				'SELECT * FROM duty_shifts WHERE org_id = ? AND starts_at < ? AND ends_at > ? ORDER BY starts_at, id'
			)
			.all(orgId, to, from) as ShiftDbRow[];
		return rows.map(shiftOf);
	}

	async onDutyAt(orgId: string, at: number): Promise<ShiftRow | undefined> {
		const r = this.#db
			.prepare(
				'SELECT * FROM duty_shifts WHERE org_id = ? AND starts_at <= ? AND ends_at > ? ORDER BY starts_at DESC LIMIT 1'
			)
			.get(orgId, at, at) as ShiftDbRow | undefined;
		return r && shiftOf(r);
	}

	async onDutyEverywhere(at: number): Promise<ShiftRow[]> {
		const rows = this.#db
			.prepare(
				'SELECT * FROM duty_shifts WHERE starts_at <= ? AND ends_at > ? ORDER BY org_id, starts_at DESC, id'
			)
			.all(at, at) as ShiftDbRow[];
		return latestPerOrg(rows.map(shiftOf));
	}

	async replaceShifts(
		orgId: string,
		from: number,
		to: number,
		shifts: ShiftRow[],
		by: string
	): Promise<void> {
		this.#db.transaction(() => {
			this.#db
				.prepare('DELETE FROM duty_shifts WHERE org_id = ? AND starts_at >= ? AND starts_at < ?')
				.run(orgId, from, to);
			for (const s of shifts) this.#insert(s, by);
		})();
	}

	async addHandover(h: HandoverRow): Promise<void> {
		this.#db
			.prepare(
				`INSERT INTO duty_handovers (id, org_id, outgoing_name, incoming_name, open_warnings, open_tasks,
				 watch, written_at, written_by, confirmed_at, confirmed_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)`
			)
			.run(
				h.id,
				h.orgId,
				h.outgoingName,
				h.incomingName,
				h.openWarnings,
				h.openTasks,
				h.watch,
				h.writtenAt,
				h.writtenBy,
				h.confirmedAt,
				h.confirmedBy
			);
	}

	async confirmHandover(
		orgId: string,
		id: string,
		by: string,
		at: number
	): Promise<{ row: HandoverRow; confirmedNow: boolean } | undefined> {
		return this.#db.transaction(() => {
			const changed = this.#db
				.prepare(
					'UPDATE duty_handovers SET confirmed_at = ?, confirmed_by = ? WHERE org_id = ? AND id = ? AND confirmed_at IS NULL'
				)
				.run(at, by, orgId, id).changes;
			const row = this.#db
				.prepare('SELECT * FROM duty_handovers WHERE org_id = ? AND id = ?')
				.get(orgId, id) as HandoverDbRow | undefined;
			return row && { row: handoverOf(row), confirmedNow: changed > 0 };
		})();
	}

	async handovers(orgId: string, limit: number): Promise<HandoverRow[]> {
		const rows = this.#db
			.prepare('SELECT * FROM duty_handovers WHERE org_id = ? ORDER BY written_at DESC, id DESC LIMIT ?')
			.all(orgId, limit) as HandoverDbRow[];
		return rows.map(handoverOf);
	}
}
