/**
 * The registers' store: rows of every register, the record of their changes, the steps of hazard
 * points' rectification loops and the commitments of teams and equipment to incidents' tasks.
 * Async; SQLite in sqlite/, PostgreSQL in postgres/, and both pass
 * tests/registers/register-repository-contract.ts.
 */
import type { HazardStatus } from '#domain/registers-hazard';
import type { RegisterName } from '#domain/registers';

export interface StoredRegisterRow {
	register: RegisterName;
	id: string;
	code: string;
	name: string;
	township: string | null;
	ownerOrgId: string | null;
	lon: number | null;
	lat: number | null;
	/** A demo row, never to be presented as a real record. */
	demo: boolean;
	/** The register's own fields (registers.ts, REGISTER_DATA). */
	data: Record<string, unknown>;
	/**
	 * Kept by the server, never written by a client: a hazard point's loop status, a camera's
	 * health state; with its detail and when it was set, and (hazards) when the next step is due.
	 */
	status: string | null;
	statusDetail: string | null;
	statusAt: string | null;
	dueAt: string | null;
	/** 1 when created, one more at each write; a write names the version it read. */
	version: number;
	createdAt: number;
	updatedAt: number;
}

export type RegisterChangeAction =
	'create' | 'update' | 'delete' | 'import' | 'seed' | 'step' | 'check' | 'commit' | 'release';

export interface RegisterChange {
	register: RegisterName;
	rowId: string;
	at: number;
	/** Null for the server's own (seed, health checks). */
	byUserId: string | null;
	action: RegisterChangeAction;
	before: StoredRegisterRow | null;
	after: StoredRegisterRow | null;
}

export interface RecordedRegisterChange extends RegisterChange {
	seq: number;
}

export interface HazardStep {
	hazardId: string;
	from: HazardStatus;
	to: HazardStatus;
	at: number;
	byUserId: string | null;
	note: string;
	dueAt: string | null;
}

export interface RecordedHazardStep extends HazardStep {
	seq: number;
}

/**
 * A team or equipment row committed to a task of an incident (调派): it counts against the row
 * while it is not released and its task is open in an active incident (read from the incident
 * documents, so a finished task frees what it held without anyone typing it twice).
 */
export interface RegisterCommitment {
	id: string;
	incidentId: string;
	taskId: string;
	register: CommittableRegister;
	rowId: string;
	/** Equipment: how many of the row's items; teams: 1. */
	quantity: number;
	byUserId: string;
	at: number;
	releasedAt: number | null;
	releasedBy: string | null;
}
export type CommittableRegister = 'teams' | 'equipment';

/** A commitment as both engines' `register_commitments` tables hold it, and its mapping. */
export const COMMITMENT_COLUMNS =
	'id, incident_id, task_id, register, row_id, quantity, by_user_id, at, released_at, released_by';

export interface CommitmentTableRow {
	id: string;
	incident_id: string;
	task_id: string;
	register: string;
	row_id: string;
	quantity: number;
	by_user_id: string;
	at: number;
	released_at: number | null;
	released_by: string | null;
}

export const commitmentOf = (r: CommitmentTableRow): RegisterCommitment => ({
	id: r.id,
	incidentId: r.incident_id,
	taskId: r.task_id,
	register: r.register as CommittableRegister,
	rowId: r.row_id,
	quantity: r.quantity,
	byUserId: r.by_user_id,
	at: r.at,
	releasedAt: r.released_at,
	releasedBy: r.released_by
});

export interface CommitmentQuery {
	incidentId?: string;
	register?: CommittableRegister;
	rowId?: string;
	/** Only those not released (default); false: released ones too. */
	unreleasedOnly?: boolean;
}

export interface RegisterQuery {
	township?: string;
	ownerOrgId?: string;
	/** Matches code or name (substring, case-insensitive). */
	q?: string;
	status?: string;
	/** Rows whose next step was due before this ISO time and that are not closed. */
	overdueAt?: string;
	/** Rows with a position inside [minLon, minLat, maxLon, maxLat]. */
	box?: readonly [number, number, number, number];
	limit: number;
	offset: number;
}

/** One write, applied whole or not at all. */
export interface RegisterBatch {
	/** A new row (`expectedVersion` null) or a replacement of the version read. */
	puts: Array<{ row: StoredRegisterRow; expectedVersion: number | null }>;
	deletes: Array<{ register: RegisterName; id: string; expectedVersion: number }>;
	changes: RegisterChange[];
	steps: HazardStep[];
	/** New commitments (their rows' versions are raised by puts in the same batch). */
	commitments?: RegisterCommitment[];
	/** Commitments released: refused whole (`commitment-released`) if one already was. */
	releases?: Array<{ id: string; register: CommittableRegister; at: number; byUserId: string }>;
}

export type RegisterConflictKind = 'duplicate-code' | 'row-changed' | 'row-exists' | 'commitment-released';

/** A batch refused whole: nothing of it was written. */
export class RegisterConflict extends Error {
	override readonly name = 'RegisterConflict';
	constructor(
		readonly kind: RegisterConflictKind,
		readonly register: RegisterName,
		readonly key: string
	) {
		super(`${kind}: ${register} ${key}`);
	}
}

export interface RegisterRepository {
	list(register: RegisterName, query: RegisterQuery): Promise<{ rows: StoredRegisterRow[]; total: number }>;
	get(register: RegisterName, id: string): Promise<StoredRegisterRow | undefined>;
	byCodes(register: RegisterName, codes: readonly string[]): Promise<StoredRegisterRow[]>;
	/** Every row of a register, by code (exports, the map layers). */
	all(register: RegisterName): Promise<StoredRegisterRow[]>;
	count(register: RegisterName): Promise<number>;
	apply(batch: RegisterBatch): Promise<void>;
	/** A row's changes, newest first. */
	changes(register: RegisterName, rowId: string, limit: number): Promise<RecordedRegisterChange[]>;
	/** A hazard point's loop steps, oldest first. */
	hazardSteps(hazardId: string): Promise<RecordedHazardStep[]>;
	/** Commitments, oldest first. */
	commitments(query: CommitmentQuery): Promise<RegisterCommitment[]>;
	getCommitment(id: string): Promise<RegisterCommitment | undefined>;
}
