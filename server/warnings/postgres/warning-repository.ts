/**
 * The warnings in PostgreSQL: a WarningRepository on the tables of ./schema.ts.
 *
 * Several nodes may share the database, each running its escalation timer. The claims are made
 * in the database: `escalate` sets a target's `escalated_at` with a conditional UPDATE (the row
 * lock makes a second node's UPDATE wait, re-read and match nothing, so a target is escalated
 * once), and reads the warning's row FOR SHARE first, so a cancel (`addVersion`, FOR UPDATE) and
 * an escalation of the same warning do not interleave. `acknowledge` locks the target's row, so an
 * acknowledgement and an escalation of one target are ordered too.
 */
import { inTransaction, type PgPool, type PgQueryable } from '../../store/postgres/database.ts';
import type {
	AckResult,
	AckRow,
	CallRow,
	DispatchRow,
	DueTarget,
	EscalationRow,
	StoredWarning,
	StoredWarningRecord,
	TargetRow,
	VersionRow,
	WarningRepository,
	WarningRow
} from '../warning-repository.ts';
import {
	callOf,
	dispatchOf,
	escalationOf,
	targetOf,
	versionOf,
	type CallDbRow,
	type DispatchDbRow,
	type EscalationDbRow,
	type TargetDbRow,
	type VersionDbRow,
	type WarningDbRow
} from '../warning-rows.ts';

interface AckDbRow {
	user_id: string;
	device_at: number | null;
	server_at: number;
	version: number;
}

async function insertVersion(q: PgQueryable, v: VersionRow): Promise<void> {
	await q.query(
		`INSERT INTO warning_versions (warning_id, version, msg_type, identifier, sent_at, by_user_id, title,
		 event, level, urgency, certainty, instruction, area, effective, expires, reason)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		[
			v.warningId,
			v.version,
			v.msgType,
			v.identifier,
			v.sentAt,
			v.byUserId,
			v.title,
			v.event,
			v.level,
			v.urgency,
			v.certainty,
			v.instruction,
			JSON.stringify(v.area),
			v.effective,
			v.expires,
			v.reason
		]
	);
}

/** Targets still to escalate: open, on an active warning, with a deadline before its expiry. */
const OPEN_TARGETS = `FROM warning_targets t JOIN warnings w ON w.id = t.warning_id
	WHERE NOT t.acknowledged AND t.escalated_at IS NULL AND w.status = 'active' AND t.deadline_at < w.expires_at`;

export class PgWarningRepository implements WarningRepository {
	constructor(private readonly pool: PgPool) {}

	async create(w: WarningRow, first: VersionRow, targets: TargetRow[]): Promise<void> {
		await inTransaction(this.pool, async (c) => {
			await c.query(
				`INSERT INTO warnings (id, kind, issuer_org_id, incident_id, status, current_version, expires_at, created_at)
				 VALUES ($1,$2,$3,$4,'active',$5,$6,$7)`,
				[w.id, w.kind, w.issuerOrgId, w.incidentId, first.version, first.expires, w.createdAt]
			);
			await insertVersion(c, first);
			let position = 0;
			for (const t of targets)
				await c.query(
					'INSERT INTO warning_targets (warning_id, org_id, position, reached_at, deadline_at) VALUES ($1,$2,$3,$4,$5)',
					[w.id, t.orgId, position++, t.reachedAt, t.deadlineAt]
				);
		});
	}

	async addVersion(
		v: VersionRow
	): Promise<
		{ ok: true } | { ok: false; reason: 'warning-not-found' | 'warning-cancelled' | 'version-conflict' }
	> {
		return inTransaction(this.pool, async (c) => {
			const r = await c.query<WarningDbRow>('SELECT * FROM warnings WHERE id = $1 FOR UPDATE', [v.warningId]);
			const w = r.rows[0];
			if (!w) return { ok: false as const, reason: 'warning-not-found' as const };
			if (w.status === 'cancelled') return { ok: false as const, reason: 'warning-cancelled' as const };
			if (v.version !== w.current_version + 1)
				return { ok: false as const, reason: 'version-conflict' as const };
			await insertVersion(c, v);
			await c.query('UPDATE warnings SET current_version = $1, expires_at = $2, status = $3 WHERE id = $4', [
				v.version,
				v.expires,
				v.msgType === 'cancel' ? 'cancelled' : 'active',
				v.warningId
			]);
			return { ok: true as const };
		});
	}

	async #assemble(q: PgQueryable, w: WarningDbRow): Promise<StoredWarning> {
		const [versions, targets] = await Promise.all([
			q.query<VersionDbRow>('SELECT * FROM warning_versions WHERE warning_id = $1 ORDER BY version', [w.id]),
			q.query<TargetDbRow>(
				`SELECT t.warning_id, t.org_id, t.reached_at, t.deadline_at, t.escalated_at,
				 a.user_id, a.device_at, a.server_at, a.version
				 FROM warning_targets t LEFT JOIN warning_acks a ON a.warning_id = t.warning_id AND a.org_id = t.org_id
				 WHERE t.warning_id = $1 ORDER BY t.position`,
				[w.id]
			)
		]);
		return {
			id: w.id,
			kind: w.kind,
			issuerOrgId: w.issuer_org_id,
			incidentId: w.incident_id,
			createdAt: w.created_at,
			status: w.status,
			versions: versions.rows.map(versionOf),
			targets: targets.rows.map(targetOf)
		};
	}

	async get(id: string): Promise<StoredWarning | undefined> {
		const r = await this.pool.query<WarningDbRow>('SELECT * FROM warnings WHERE id = $1', [id]);
		return r.rows[0] && this.#assemble(this.pool, r.rows[0]);
	}

	async record(id: string): Promise<StoredWarningRecord | undefined> {
		const w = await this.get(id);
		if (!w) return undefined;
		const [calls, escalations] = await Promise.all([
			this.pool.query<CallDbRow>('SELECT * FROM warning_calls WHERE warning_id = $1 ORDER BY id', [id]),
			this.pool.query<EscalationDbRow>(
				'SELECT * FROM warning_escalations WHERE warning_id = $1 ORDER BY id',
				[id]
			)
		]);
		return { ...w, calls: calls.rows.map(callOf), escalations: escalations.rows.map(escalationOf) };
	}

	async list(filter: {
		status?: 'active' | 'cancelled';
		target?: string;
		limit?: number;
	}): Promise<StoredWarning[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		const param = (v: unknown): string => {
			params.push(v);
			return `$${params.length}`;
		};
		if (filter.status) where.push(`w.status = ${param(filter.status)}`);
		if (filter.target)
			where.push(
				`EXISTS (SELECT 1 FROM warning_targets t WHERE t.warning_id = w.id AND t.org_id = ${param(filter.target)})`
			);
		const rows = await this.pool.query<WarningDbRow>(
			`SELECT w.* FROM warnings w ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
			 ORDER BY w.created_at DESC, w.id DESC LIMIT ${param(filter.limit ?? 200)}`,
			params
		);
		return Promise.all(rows.rows.map((w) => this.#assemble(this.pool, w)));
	}

	async acknowledge(ack: AckRow): Promise<AckResult> {
		return inTransaction(this.pool, async (c): Promise<AckResult> => {
			const w = await c.query<{ status: string }>('SELECT status FROM warnings WHERE id = $1 FOR SHARE', [
				ack.warningId
			]);
			if (!w.rows[0]) return { ok: false, reason: 'warning-not-found' };
			const target = await c.query(
				'SELECT 1 FROM warning_targets WHERE warning_id = $1 AND org_id = $2 FOR UPDATE',
				[ack.warningId, ack.orgId]
			);
			if (target.rowCount === 0) return { ok: false, reason: 'not-a-target' };
			const first = await c.query<AckDbRow>(
				'SELECT * FROM warning_acks WHERE warning_id = $1 AND org_id = $2',
				[ack.warningId, ack.orgId]
			);
			const f = first.rows[0];
			if (f)
				return {
					ok: false,
					reason: 'already-acknowledged',
					first: {
						warningId: ack.warningId,
						orgId: ack.orgId,
						userId: f.user_id,
						deviceAt: f.device_at,
						serverAt: f.server_at,
						version: f.version
					}
				};
			if (w.rows[0].status === 'cancelled') return { ok: false, reason: 'warning-cancelled' };
			await c.query(
				'INSERT INTO warning_acks (warning_id, org_id, user_id, device_at, server_at, version) VALUES ($1,$2,$3,$4,$5,$6)',
				[ack.warningId, ack.orgId, ack.userId, ack.deviceAt, ack.serverAt, ack.version]
			);
			await c.query('UPDATE warning_targets SET acknowledged = TRUE WHERE warning_id = $1 AND org_id = $2', [
				ack.warningId,
				ack.orgId
			]);
			return { ok: true, ack };
		});
	}

	async addCall(c: Omit<CallRow, 'id'>): Promise<CallRow> {
		const r = await this.pool.query<{ id: number }>(
			`INSERT INTO warning_calls (warning_id, org_id, direction, caller, callee, phone, at, answered, note,
			 recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
			[
				c.warningId,
				c.orgId,
				c.direction,
				c.caller,
				c.callee,
				c.phone,
				c.at,
				c.answered,
				c.note,
				c.recordedBy,
				c.recordedAt
			]
		);
		return { ...c, id: r.rows[0]!.id };
	}

	async dueTargets(now: number): Promise<DueTarget[]> {
		const r = await this.pool.query<{ warning_id: string; org_id: string; deadline_at: number }>(
			`SELECT t.warning_id, t.org_id, t.deadline_at ${OPEN_TARGETS} AND t.deadline_at <= $1
			 ORDER BY t.deadline_at, t.warning_id, t.position`,
			[now]
		);
		return r.rows.map((x) => ({ warningId: x.warning_id, orgId: x.org_id, deadlineAt: x.deadline_at }));
	}

	async nextDeadline(): Promise<number | null> {
		const r = await this.pool.query<{ d: number | null }>(`SELECT MIN(t.deadline_at) AS d ${OPEN_TARGETS}`);
		return r.rows[0]?.d ?? null;
	}

	async escalate(e: Omit<EscalationRow, 'id'>): Promise<EscalationRow | null> {
		return inTransaction(this.pool, async (c) => {
			const w = await c.query<{ status: string }>('SELECT status FROM warnings WHERE id = $1 FOR SHARE', [
				e.warningId
			]);
			if (w.rows[0]?.status !== 'active') return null;
			const claimed = await c.query(
				`UPDATE warning_targets SET escalated_at = $1 WHERE warning_id = $2 AND org_id = $3
				 AND NOT acknowledged AND escalated_at IS NULL`,
				[e.at, e.warningId, e.orgId]
			);
			if (claimed.rowCount === 0) return null;
			const r = await c.query<{ id: number }>(
				'INSERT INTO warning_escalations (warning_id, org_id, at, leader_name, leader_phone) VALUES ($1,$2,$3,$4,$5) RETURNING id',
				[e.warningId, e.orgId, e.at, e.leaderName, e.leaderPhone]
			);
			return { ...e, id: r.rows[0]!.id };
		});
	}

	async nextSerial(key: string): Promise<number> {
		const r = await this.pool.query<{ n: number }>(
			`INSERT INTO warning_serials (key, n) VALUES ($1, 1)
			 ON CONFLICT (key) DO UPDATE SET n = warning_serials.n + 1 RETURNING n`,
			[key]
		);
		return r.rows[0]!.n;
	}

	async addDispatches(rows: DispatchRow[]): Promise<void> {
		await inTransaction(this.pool, async (c) => {
			for (const r of rows)
				await c.query(
					`INSERT INTO warning_dispatches (id, warning_id, org_id, hook, event, body, attempts, next_at, created_at, done_at, outcome)
					 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
					[
						r.id,
						r.warningId,
						r.orgId,
						r.hook,
						r.event,
						r.body,
						r.attempts,
						r.nextAt,
						r.createdAt,
						r.doneAt,
						r.outcome
					]
				);
		});
	}

	async claimDispatches(now: number, leaseUntil: number, limit: number): Promise<DispatchRow[]> {
		// SKIP LOCKED: two nodes claiming at once take different rows, neither waits for the other.
		const r = await this.pool.query<DispatchDbRow>(
			`UPDATE warning_dispatches SET claimed_until = $2 WHERE id IN (
				SELECT id FROM warning_dispatches WHERE done_at IS NULL AND next_at <= $1
				AND (claimed_until IS NULL OR claimed_until <= $1)
				ORDER BY next_at, created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
			 ) RETURNING *`,
			[now, leaseUntil, limit]
		);
		return r.rows
			.map(dispatchOf)
			.sort((a, b) => a.nextAt - b.nextAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	}

	async settleDispatch(
		id: string,
		r:
			| { attempts: number; nextAt: number }
			| { attempts: number; doneAt: number; outcome: 'delivered' | 'failed' }
	): Promise<void> {
		if ('nextAt' in r)
			await this.pool.query(
				'UPDATE warning_dispatches SET attempts = $1, next_at = $2, claimed_until = NULL WHERE id = $3',
				[r.attempts, r.nextAt, id]
			);
		else
			await this.pool.query(
				'UPDATE warning_dispatches SET attempts = $1, done_at = $2, outcome = $3, claimed_until = NULL WHERE id = $4',
				[r.attempts, r.doneAt, r.outcome, id]
			);
	}

	async nextDispatchAt(): Promise<number | null> {
		const r = await this.pool.query<{ d: number | null }>(
			'SELECT MIN(GREATEST(next_at, COALESCE(claimed_until, 0))) AS d FROM warning_dispatches WHERE done_at IS NULL'
		);
		return r.rows[0]?.d ?? null;
	}

	async dispatches(warningId: string): Promise<DispatchRow[]> {
		const r = await this.pool.query<DispatchDbRow>(
			'SELECT * FROM warning_dispatches WHERE warning_id = $1 ORDER BY created_at, id',
			[warningId]
		);
		return r.rows.map(dispatchOf);
	}
}
