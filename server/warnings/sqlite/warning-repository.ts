/** The embedded WarningRepository on the tables of ./schema.ts. */
import type { SqliteDatabase } from '../../store/sqlite/database.ts';
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

export class SqliteWarningRepository implements WarningRepository {
	readonly #db: SqliteDatabase;

	constructor(db: SqliteDatabase) {
		this.#db = db;
	}

	#insertVersion(v: VersionRow): void {
		this.#db
			.prepare(
				`INSERT INTO warning_versions (warning_id, version, msg_type, identifier, sent_at, by_user_id, title,
				 event, level, urgency, certainty, instruction, area, effective, expires, reason)
				 VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
			)
			.run(
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
			);
	}

	async create(w: WarningRow, first: VersionRow, targets: TargetRow[]): Promise<void> {
		this.#db.transaction(() => {
			this.#db
				.prepare(
					`INSERT INTO warnings (id, kind, issuer_org_id, incident_id, status, current_version, expires_at, created_at)
					 VALUES (?,?,?,?,'active',?,?,?)`
				)
				.run(w.id, w.kind, w.issuerOrgId, w.incidentId, first.version, first.expires, w.createdAt);
			this.#insertVersion(first);
			const add = this.#db.prepare(
				'INSERT INTO warning_targets (warning_id, org_id, reached_at, deadline_at) VALUES (?,?,?,?)'
			);
			for (const t of targets) add.run(w.id, t.orgId, t.reachedAt, t.deadlineAt);
		})();
	}

	async addVersion(
		v: VersionRow
	): Promise<
		{ ok: true } | { ok: false; reason: 'warning-not-found' | 'warning-cancelled' | 'version-conflict' }
	> {
		return this.#db.transaction(() => {
			const w = this.#db.prepare('SELECT * FROM warnings WHERE id = ?').get(v.warningId) as
				WarningDbRow | undefined;
			if (!w) return { ok: false as const, reason: 'warning-not-found' as const };
			if (w.status === 'cancelled') return { ok: false as const, reason: 'warning-cancelled' as const };
			if (v.version !== w.current_version + 1)
				return { ok: false as const, reason: 'version-conflict' as const };
			this.#insertVersion(v);
			this.#db
				.prepare('UPDATE warnings SET current_version = ?, expires_at = ?, status = ? WHERE id = ?')
				.run(v.version, v.expires, v.msgType === 'cancel' ? 'cancelled' : 'active', v.warningId);
			return { ok: true as const };
		})();
	}

	#assemble(w: WarningDbRow): StoredWarning {
		const versions = (
			this.#db
				.prepare('SELECT * FROM warning_versions WHERE warning_id = ? ORDER BY version')
				.all(w.id) as VersionDbRow[]
		).map(versionOf);
		const targets = (
			this.#db
				.prepare(
					`SELECT t.warning_id, t.org_id, t.reached_at, t.deadline_at, t.escalated_at,
					 a.user_id, a.device_at, a.server_at, a.version
					 FROM warning_targets t LEFT JOIN warning_acks a ON a.warning_id = t.warning_id AND a.org_id = t.org_id
					 WHERE t.warning_id = ? ORDER BY t.rowid`
				)
				.all(w.id) as TargetDbRow[]
		).map(targetOf);
		return {
			id: w.id,
			kind: w.kind,
			issuerOrgId: w.issuer_org_id,
			incidentId: w.incident_id,
			createdAt: w.created_at,
			status: w.status,
			versions,
			targets
		};
	}

	async get(id: string): Promise<StoredWarning | undefined> {
		const w = this.#db.prepare('SELECT * FROM warnings WHERE id = ?').get(id) as WarningDbRow | undefined;
		return w && this.#assemble(w);
	}

	async record(id: string): Promise<StoredWarningRecord | undefined> {
		const w = await this.get(id);
		if (!w) return undefined;
		const calls = (
			this.#db.prepare('SELECT * FROM warning_calls WHERE warning_id = ? ORDER BY id').all(id) as CallDbRow[]
		).map(callOf);
		const escalations = (
			this.#db
				.prepare('SELECT * FROM warning_escalations WHERE warning_id = ? ORDER BY id')
				.all(id) as EscalationDbRow[]
		).map(escalationOf);
		return { ...w, calls, escalations };
	}

	async list(filter: {
		status?: 'active' | 'cancelled';
		target?: string;
		limit?: number;
	}): Promise<StoredWarning[]> {
		const where: string[] = [];
		const args: (string | number)[] = [];
		if (filter.status) {
			where.push('w.status = ?');
			args.push(filter.status);
		}
		if (filter.target) {
			where.push('EXISTS (SELECT 1 FROM warning_targets t WHERE t.warning_id = w.id AND t.org_id = ?)');
			args.push(filter.target);
		}
		const rows = this.#db
			.prepare(
				`SELECT w.* FROM warnings w ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
				 ORDER BY w.created_at DESC, w.id DESC LIMIT ?`
			)
			.all(...args, filter.limit ?? 200) as WarningDbRow[];
		return rows.map((w) => this.#assemble(w));
	}

	async acknowledge(ack: AckRow): Promise<AckResult> {
		return this.#db.transaction((): AckResult => {
			const w = this.#db.prepare('SELECT status FROM warnings WHERE id = ?').get(ack.warningId) as
				{ status: string } | undefined;
			if (!w) return { ok: false, reason: 'warning-not-found' };
			const target = this.#db
				.prepare('SELECT 1 FROM warning_targets WHERE warning_id = ? AND org_id = ?')
				.get(ack.warningId, ack.orgId);
			if (!target) return { ok: false, reason: 'not-a-target' };
			const first = this.#db
				.prepare('SELECT * FROM warning_acks WHERE warning_id = ? AND org_id = ?')
				.get(ack.warningId, ack.orgId) as
				{ user_id: string; device_at: number | null; server_at: number; version: number } | undefined;
			if (first)
				return {
					ok: false,
					reason: 'already-acknowledged',
					first: {
						warningId: ack.warningId,
						orgId: ack.orgId,
						userId: first.user_id,
						deviceAt: first.device_at,
						serverAt: first.server_at,
						version: first.version
					}
				};
			if (w.status === 'cancelled') return { ok: false, reason: 'warning-cancelled' };
			this.#db
				.prepare(
					'INSERT INTO warning_acks (warning_id, org_id, user_id, device_at, server_at, version) VALUES (?,?,?,?,?,?)'
				)
				.run(ack.warningId, ack.orgId, ack.userId, ack.deviceAt, ack.serverAt, ack.version);
			this.#db
				.prepare('UPDATE warning_targets SET acknowledged = 1 WHERE warning_id = ? AND org_id = ?')
				.run(ack.warningId, ack.orgId);
			return { ok: true, ack };
		})();
	}

	async addCall(c: Omit<CallRow, 'id'>): Promise<CallRow> {
		const r = this.#db
			.prepare(
				`INSERT INTO warning_calls (warning_id, org_id, direction, caller, callee, phone, at, answered, note,
				 recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`
			)
			.run(
				c.warningId,
				c.orgId,
				c.direction,
				c.caller,
				c.callee,
				c.phone,
				c.at,
				c.answered ? 1 : 0,
				c.note,
				c.recordedBy,
				c.recordedAt
			);
		return { ...c, id: Number(r.lastInsertRowid) };
	}

	async dueTargets(now: number): Promise<DueTarget[]> {
		const rows = this.#db
			.prepare(
				`SELECT t.warning_id, t.org_id, t.deadline_at FROM warning_targets t JOIN warnings w ON w.id = t.warning_id
				 WHERE t.acknowledged = 0 AND t.escalated_at IS NULL AND t.deadline_at <= ?
				 AND w.status = 'active' AND t.deadline_at < w.expires_at
				 ORDER BY t.deadline_at, t.rowid`
			)
			.all(now) as { warning_id: string; org_id: string; deadline_at: number }[];
		return rows.map((r) => ({ warningId: r.warning_id, orgId: r.org_id, deadlineAt: r.deadline_at }));
	}

	async nextDeadline(): Promise<number | null> {
		const r = this.#db
			.prepare(
				`SELECT MIN(t.deadline_at) AS d FROM warning_targets t JOIN warnings w ON w.id = t.warning_id
				 WHERE t.acknowledged = 0 AND t.escalated_at IS NULL AND w.status = 'active' AND t.deadline_at < w.expires_at`
			)
			.get() as { d: number | null };
		return r.d;
	}

	async escalate(e: Omit<EscalationRow, 'id'>): Promise<EscalationRow | null> {
		return this.#db.transaction(() => {
			const changed = this.#db
				.prepare(
					`UPDATE warning_targets SET escalated_at = ? WHERE warning_id = ? AND org_id = ?
					 AND acknowledged = 0 AND escalated_at IS NULL
					 AND EXISTS (SELECT 1 FROM warnings w WHERE w.id = warning_id AND w.status = 'active')`
				)
				.run(e.at, e.warningId, e.orgId).changes;
			if (changed === 0) return null;
			const r = this.#db
				.prepare(
					'INSERT INTO warning_escalations (warning_id, org_id, at, leader_name, leader_phone) VALUES (?,?,?,?,?)'
				)
				.run(e.warningId, e.orgId, e.at, e.leaderName, e.leaderPhone);
			return { ...e, id: Number(r.lastInsertRowid) };
		})();
	}

	async nextSerial(key: string): Promise<number> {
		const r = this.#db
			.prepare(
				'INSERT INTO warning_serials (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1 RETURNING n'
			)
			.get(key) as { n: number };
		return r.n;
	}

	async addDispatches(rows: DispatchRow[]): Promise<void> {
		const add = this.#db.prepare(
			`INSERT INTO warning_dispatches (id, warning_id, org_id, hook, event, body, attempts, next_at, created_at, done_at, outcome)
			 VALUES (?,?,?,?,?,?,?,?,?,?,?)`
		);
		this.#db.transaction(() => {
			for (const r of rows)
				add.run(
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
				);
		})();
	}

	async claimDispatches(now: number, leaseUntil: number, limit: number): Promise<DispatchRow[]> {
		return this.#db.transaction(() => {
			const rows = this.#db
				.prepare(
					`SELECT * FROM warning_dispatches WHERE done_at IS NULL AND next_at <= ?
					 AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_at, created_at, id LIMIT ?`
				)
				.all(now, now, limit) as DispatchDbRow[];
			const claim = this.#db.prepare('UPDATE warning_dispatches SET claimed_until = ? WHERE id = ?');
			for (const r of rows) claim.run(leaseUntil, r.id);
			return rows.map(dispatchOf);
		})();
	}

	async settleDispatch(
		id: string,
		r:
			| { attempts: number; nextAt: number }
			| { attempts: number; doneAt: number; outcome: 'delivered' | 'failed' }
	): Promise<void> {
		if ('nextAt' in r)
			this.#db
				.prepare('UPDATE warning_dispatches SET attempts = ?, next_at = ?, claimed_until = NULL WHERE id = ?')
				.run(r.attempts, r.nextAt, id);
		else
			this.#db
				.prepare(
					'UPDATE warning_dispatches SET attempts = ?, done_at = ?, outcome = ?, claimed_until = NULL WHERE id = ?'
				)
				.run(r.attempts, r.doneAt, r.outcome, id);
	}

	async nextDispatchAt(): Promise<number | null> {
		const r = this.#db
			.prepare(
				'SELECT MIN(MAX(next_at, COALESCE(claimed_until, 0))) AS d FROM warning_dispatches WHERE done_at IS NULL'
			)
			.get() as { d: number | null };
		return r.d;
	}

	async dispatches(warningId: string): Promise<DispatchRow[]> {
		return (
			this.#db
				.prepare('SELECT * FROM warning_dispatches WHERE warning_id = ? ORDER BY created_at, id')
				.all(warningId) as DispatchDbRow[]
		).map(dispatchOf);
	}
}
