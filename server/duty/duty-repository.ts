/**
 * The duty roster's store (值班表, 交接班): shifts per organisation and handover notes. Async, so
 * SQLite (sqlite/) and PostgreSQL (postgres/) implement it, and every implementation
 * passes tests/duty/duty-repository-contract.ts.
 */

/** One shift; times are epoch milliseconds, [startsAt, endsAt). */
export interface ShiftRow {
	id: string;
	orgId: string;
	startsAt: number;
	endsAt: number;
	officerName: string;
	officerPhone: string;
	leaderName: string;
	leaderPhone: string;
	note: string;
}

export interface HandoverRow {
	id: string;
	orgId: string;
	outgoingName: string;
	incomingName: string;
	openWarnings: string;
	openTasks: string;
	watch: string;
	writtenAt: number;
	writtenBy: string;
	confirmedAt: number | null;
	confirmedBy: string | null;
}

export interface DutyRepository {
	/** Adds a shift; refuses (returns the clashing shift) one that overlaps another of the organisation. */
	addShift(shift: ShiftRow, by: string): Promise<{ ok: true } | { ok: false; overlaps: ShiftRow }>;
	removeShift(orgId: string, id: string): Promise<boolean>;
	/** The organisation's shifts that overlap [from, to), by start. */
	shifts(orgId: string, from: number, to: number): Promise<ShiftRow[]>;
	/** The shift covering `at` (start inclusive, end exclusive), if any. */
	onDutyAt(orgId: string, at: number): Promise<ShiftRow | undefined>;
	/** Every organisation's shift covering `at` (the one that started last), by organisation id. */
	onDutyEverywhere(at: number): Promise<ShiftRow[]>;
	/**
	 * Replaces the organisation's shifts starting in [from, to) with `shifts`, in one transaction:
	 * all of them or none.
	 */
	replaceShifts(orgId: string, from: number, to: number, shifts: ShiftRow[], by: string): Promise<void>;
	addHandover(h: HandoverRow): Promise<void>;
	/** Confirms a handover once; returns the stored row (confirmed by whoever confirmed first). */
	confirmHandover(
		orgId: string,
		id: string,
		by: string,
		at: number
	): Promise<{ row: HandoverRow; confirmedNow: boolean } | undefined>;
	/** The organisation's handovers, newest first. */
	handovers(orgId: string, limit: number): Promise<HandoverRow[]>;
}

/** The first shift of each organisation in `rows` (ordered by organisation, latest start first). */
export function latestPerOrg(rows: ShiftRow[]): ShiftRow[] {
	const out: ShiftRow[] = [];
	for (const r of rows) if (out.at(-1)?.orgId !== r.orgId) out.push(r);
	return out;
}
