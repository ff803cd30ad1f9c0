/**
 * The warnings' table rows as both engines return them (the same columns, epoch-millisecond times,
 * the area as JSON text) and their mapping to the repository's rows, once for SQLite and
 * PostgreSQL.
 */
import type { WarningArea } from '#domain/api/warnings';
import type {
	CallRow,
	DispatchRow,
	EscalationRow,
	StoredTarget,
	VersionRow,
	WarningRow
} from './warning-repository.ts';

export interface WarningDbRow {
	id: string;
	kind: WarningRow['kind'];
	issuer_org_id: string;
	incident_id: string | null;
	status: 'active' | 'cancelled';
	current_version: number;
	created_at: number;
}

export interface VersionDbRow {
	warning_id: string;
	version: number;
	msg_type: VersionRow['msgType'];
	identifier: string;
	sent_at: number;
	by_user_id: string;
	title: string;
	event: VersionRow['event'];
	level: VersionRow['level'];
	urgency: VersionRow['urgency'];
	certainty: VersionRow['certainty'];
	instruction: string;
	area: string;
	effective: number;
	expires: number;
	reason: string | null;
}

export interface TargetDbRow {
	warning_id: string;
	org_id: string;
	reached_at: number;
	deadline_at: number;
	escalated_at: number | null;
	user_id: string | null;
	device_at: number | null;
	server_at: number | null;
	version: number | null;
}

export interface CallDbRow {
	id: number;
	warning_id: string;
	org_id: string;
	direction: CallRow['direction'];
	caller: string;
	callee: string;
	phone: string;
	at: number;
	/** 0/1 in SQLite, a boolean in PostgreSQL. */
	answered: number | boolean;
	note: string;
	recorded_by: string;
	recorded_at: number;
}

export interface EscalationDbRow {
	id: number;
	warning_id: string;
	org_id: string;
	at: number;
	leader_name: string | null;
	leader_phone: string | null;
}

export const versionOf = (r: VersionDbRow): VersionRow => ({
	warningId: r.warning_id,
	version: r.version,
	msgType: r.msg_type,
	identifier: r.identifier,
	sentAt: r.sent_at,
	byUserId: r.by_user_id,
	title: r.title,
	event: r.event,
	level: r.level,
	urgency: r.urgency,
	certainty: r.certainty,
	instruction: r.instruction,
	area: JSON.parse(r.area) as WarningArea,
	effective: r.effective,
	expires: r.expires,
	reason: r.reason
});

export const targetOf = (r: TargetDbRow): StoredTarget => ({
	warningId: r.warning_id,
	orgId: r.org_id,
	reachedAt: r.reached_at,
	deadlineAt: r.deadline_at,
	escalatedAt: r.escalated_at,
	ack:
		r.user_id === null
			? null
			: {
					warningId: r.warning_id,
					orgId: r.org_id,
					userId: r.user_id,
					deviceAt: r.device_at,
					serverAt: r.server_at!,
					version: r.version!
				}
});

export const callOf = (r: CallDbRow): CallRow => ({
	id: r.id,
	warningId: r.warning_id,
	orgId: r.org_id,
	direction: r.direction,
	caller: r.caller,
	callee: r.callee,
	phone: r.phone,
	at: r.at,
	answered: r.answered === 1 || r.answered === true,
	note: r.note,
	recordedBy: r.recorded_by,
	recordedAt: r.recorded_at
});

export const escalationOf = (r: EscalationDbRow): EscalationRow => ({
	id: r.id,
	warningId: r.warning_id,
	orgId: r.org_id,
	at: r.at,
	leaderName: r.leader_name,
	leaderPhone: r.leader_phone
});

export interface DispatchDbRow {
	id: string;
	warning_id: string;
	org_id: string | null;
	hook: string;
	event: string;
	body: string;
	attempts: number;
	next_at: number;
	created_at: number;
	done_at: number | null;
	outcome: DispatchRow['outcome'];
}

export const dispatchOf = (r: DispatchDbRow): DispatchRow => ({
	id: r.id,
	warningId: r.warning_id,
	orgId: r.org_id,
	hook: r.hook,
	event: r.event,
	body: r.body,
	attempts: r.attempts,
	nextAt: r.next_at,
	createdAt: r.created_at,
	doneAt: r.done_at,
	outcome: r.outcome
});
