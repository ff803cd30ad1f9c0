/**
 * The duty roster in PostgreSQL: a DutyRepository on the tables of ./schema.ts. Writes to one
 * organisation's shifts hold a transaction-level advisory lock on that organisation, so two nodes
 * (or two requests) adding overlapping shifts at once cannot both pass the overlap check.
 */
import {
	inTransaction,
	type PgClient,
	type PgPool,
	type PgQueryable
} from '../../store/postgres/database.ts';
import { latestPerOrg, type DutyRepository, type HandoverRow, type ShiftRow } from '../duty-repository.ts';
import { handoverOf, shiftOf, type HandoverDbRow, type ShiftDbRow } from '../duty-rows.ts';

/** One organisation's roster writes, one at a time (the key space is the roster's own). */
async function lockRoster(c: PgClient, orgId: string): Promise<void> {
	await c.query("SELECT pg_advisory_xact_lock(hashtext('duty:' || $1))", [orgId]);
}

async function insertShift(q: PgQueryable, s: ShiftRow, by: string): Promise<void> {
	await q.query(
		`INSERT INTO duty_shifts (id, org_id, starts_at, ends_at, officer_name, officer_phone,
		 leader_name, leader_phone, note, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		[
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
		]
	);
}

export class PgDutyRepository implements DutyRepository {
	constructor(private readonly pool: PgPool) {}

	async addShift(shift: ShiftRow, by: string): Promise<{ ok: true } | { ok: false; overlaps: ShiftRow }> {
		return inTransaction(this.pool, async (c) => {
			await lockRoster(c, shift.orgId);
			const clash = await c.query<ShiftDbRow>(
				'SELECT * FROM duty_shifts WHERE org_id = $1 AND starts_at < $2 AND ends_at > $3 ORDER BY starts_at LIMIT 1',
				[shift.orgId, shift.endsAt, shift.startsAt]
			);
			if (clash.rows[0]) return { ok: false as const, overlaps: shiftOf(clash.rows[0]) };
			await insertShift(c, shift, by);
			return { ok: true as const };
		});
	}

	async removeShift(orgId: string, id: string): Promise<boolean> {
		const r = await this.pool.query('DELETE FROM duty_shifts WHERE org_id = $1 AND id = $2', [orgId, id]);
		return (r.rowCount ?? 0) > 0;
	}

	async shifts(orgId: string, from: number, to: number): Promise<ShiftRow[]> {
		const r = await this.pool.query<ShiftDbRow>(
			'SELECT * FROM duty_shifts WHERE org_id = $1 AND starts_at < $2 AND ends_at > $3 ORDER BY starts_at, id',
			[orgId, to, from]
		);
		return r.rows.map(shiftOf);
	}

	async onDutyAt(orgId: string, at: number): Promise<ShiftRow | undefined> {
		const r = await this.pool.query<ShiftDbRow>(
			'SELECT * FROM duty_shifts WHERE org_id = $1 AND starts_at <= $2 AND ends_at > $2 ORDER BY starts_at DESC LIMIT 1',
			[orgId, at]
		);
		return r.rows[0] && shiftOf(r.rows[0]);
	}

	async onDutyEverywhere(at: number): Promise<ShiftRow[]> {
		const r = await this.pool.query<ShiftDbRow>(
			'SELECT * FROM duty_shifts WHERE starts_at <= $1 AND ends_at > $1 ORDER BY org_id, starts_at DESC, id',
			[at]
		);
		return latestPerOrg(r.rows.map(shiftOf));
	}

	async replaceShifts(
		orgId: string,
		from: number,
		to: number,
		shifts: ShiftRow[],
		by: string
	): Promise<void> {
		await inTransaction(this.pool, async (c) => {
			await lockRoster(c, orgId);
			await c.query('DELETE FROM duty_shifts WHERE org_id = $1 AND starts_at >= $2 AND starts_at < $3', [
				orgId,
				from,
				to
			]);
			for (const s of shifts) await insertShift(c, s, by);
		});
	}

	async addHandover(h: HandoverRow): Promise<void> {
		await this.pool.query(
			`INSERT INTO duty_handovers (id, org_id, outgoing_name, incoming_name, open_warnings, open_tasks,
			 watch, written_at, written_by, confirmed_at, confirmed_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
			[
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
			]
		);
	}

	async confirmHandover(
		orgId: string,
		id: string,
		by: string,
		at: number
	): Promise<{ row: HandoverRow; confirmedNow: boolean } | undefined> {
		// The conditional UPDATE is the claim: of two confirmations at once, the second waits for the
		// first's row lock, re-reads the row and matches nothing.
		const changed = await this.pool.query<HandoverDbRow>(
			`UPDATE duty_handovers SET confirmed_at = $1, confirmed_by = $2
			 WHERE org_id = $3 AND id = $4 AND confirmed_at IS NULL RETURNING *`,
			[at, by, orgId, id]
		);
		if (changed.rows[0]) return { row: handoverOf(changed.rows[0]), confirmedNow: true };
		const row = await this.pool.query<HandoverDbRow>(
			'SELECT * FROM duty_handovers WHERE org_id = $1 AND id = $2',
			[orgId, id]
		);
		return row.rows[0] && { row: handoverOf(row.rows[0]), confirmedNow: false };
	}

	async handovers(orgId: string, limit: number): Promise<HandoverRow[]> {
		const r = await this.pool.query<HandoverDbRow>(
			'SELECT * FROM duty_handovers WHERE org_id = $1 ORDER BY written_at DESC, id DESC LIMIT $2',
			[orgId, limit]
		);
		return r.rows.map(handoverOf);
	}
}
