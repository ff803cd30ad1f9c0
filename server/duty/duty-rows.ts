/**
 * The duty roster's table rows as both engines return them (the same columns, epoch-millisecond
 * times) and their mapping to the repository's rows, once for SQLite and PostgreSQL.
 */
import type { HandoverRow, ShiftRow } from './duty-repository.ts';

export interface ShiftDbRow {
	id: string;
	org_id: string;
	starts_at: number;
	ends_at: number;
	officer_name: string;
	officer_phone: string;
	leader_name: string;
	leader_phone: string;
	note: string;
}

export interface HandoverDbRow {
	id: string;
	org_id: string;
	outgoing_name: string;
	incoming_name: string;
	open_warnings: string;
	open_tasks: string;
	watch: string;
	written_at: number;
	written_by: string;
	confirmed_at: number | null;
	confirmed_by: string | null;
}

export const shiftOf = (r: ShiftDbRow): ShiftRow => ({
	id: r.id,
	orgId: r.org_id,
	startsAt: r.starts_at,
	endsAt: r.ends_at,
	officerName: r.officer_name,
	officerPhone: r.officer_phone,
	leaderName: r.leader_name,
	leaderPhone: r.leader_phone,
	note: r.note
});

export const handoverOf = (r: HandoverDbRow): HandoverRow => ({
	id: r.id,
	orgId: r.org_id,
	outgoingName: r.outgoing_name,
	incomingName: r.incoming_name,
	openWarnings: r.open_warnings,
	openTasks: r.open_tasks,
	watch: r.watch,
	writtenAt: r.written_at,
	writtenBy: r.written_by,
	confirmedAt: r.confirmed_at,
	confirmedBy: r.confirmed_by
});
