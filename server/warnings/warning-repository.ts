/**
 * The warnings' store: each warning (预警 or 指令) with every version (issue, 续发 update, 解除
 * cancel with its reason), its targets with their acknowledgement deadlines, and the append-only
 * rows of acknowledgements (签收), call records (叫应记录) and escalations, and the outbox of the
 * outbound webhooks. Async; SQLite (sqlite/) and PostgreSQL (postgres/) implement it, and both pass
 * tests/warnings/warning-repository-contract.ts. Times are epoch milliseconds.
 */
import type { WarningArea } from '#domain/api/warnings';
import type {
	WarningCertainty,
	WarningEvent,
	WarningKind,
	WarningLevel,
	WarningMsgType,
	WarningUrgency
} from '#domain/warnings';

export interface WarningRow {
	id: string;
	kind: WarningKind;
	issuerOrgId: string;
	incidentId: string | null;
	createdAt: number;
}

export interface VersionRow {
	warningId: string;
	version: number;
	msgType: WarningMsgType;
	/** The CAP identifier of this version (GB/T 35965.1 form, see ../cap.ts). */
	identifier: string;
	sentAt: number;
	byUserId: string;
	title: string;
	event: WarningEvent;
	level: WarningLevel | null;
	urgency: WarningUrgency;
	certainty: WarningCertainty;
	instruction: string;
	area: WarningArea;
	effective: number;
	expires: number;
	/** Why it was cancelled (解除), for a cancel. */
	reason: string | null;
}

export interface TargetRow {
	warningId: string;
	orgId: string;
	reachedAt: number;
	deadlineAt: number;
}

export interface AckRow {
	warningId: string;
	orgId: string;
	userId: string;
	/** The device's clock when the person acknowledged (null: the server's time stands). */
	deviceAt: number | null;
	serverAt: number;
	/** The version the person saw. */
	version: number;
}

export interface CallRow {
	id: number;
	warningId: string;
	orgId: string;
	direction: 'outgoing' | 'incoming';
	caller: string;
	callee: string;
	phone: string;
	at: number;
	answered: boolean;
	note: string;
	recordedBy: string;
	recordedAt: number;
}

export interface EscalationRow {
	id: number;
	warningId: string;
	orgId: string;
	at: number;
	leaderName: string | null;
	leaderPhone: string | null;
}

export interface StoredTarget extends TargetRow {
	ack: AckRow | null;
	escalatedAt: number | null;
}

export interface StoredWarning extends WarningRow {
	status: 'active' | 'cancelled';
	versions: VersionRow[];
	targets: StoredTarget[];
}

export interface StoredWarningRecord extends StoredWarning {
	calls: CallRow[];
	escalations: EscalationRow[];
}

export type AckResult =
	| { ok: true; ack: AckRow }
	| { ok: false; reason: 'warning-not-found' | 'not-a-target' | 'warning-cancelled' }
	| { ok: false; reason: 'already-acknowledged'; first: AckRow };

export interface DueTarget {
	warningId: string;
	orgId: string;
	deadlineAt: number;
}

/**
 * One hand-off of a warning's step to an outbound webhook (an SMS or voice-call platform): the
 * outbox row the dispatcher sends, retries with backoff and settles. `claimedUntil` is a lease:
 * while it runs, no other node (or pass) sends the same row.
 */
export interface DispatchRow {
	id: string;
	warningId: string;
	/** The target the step is about (an escalation), or null for the whole warning. */
	orgId: string | null;
	hook: string;
	event: string;
	/** The JSON body, exactly as signed and sent. */
	body: string;
	attempts: number;
	nextAt: number;
	createdAt: number;
	doneAt: number | null;
	/** `delivered`, or `failed` after the last attempt. */
	outcome: 'delivered' | 'failed' | null;
}

export interface WarningRepository {
	/** Stores a new warning with its first version and its targets, in one transaction. */
	create(w: WarningRow, first: VersionRow, targets: TargetRow[]): Promise<void>;
	/**
	 * Adds the next version (its number must be the current one plus one); a cancel marks the
	 * warning cancelled. Refused once cancelled, or when another version came first.
	 */
	addVersion(
		v: VersionRow
	): Promise<
		{ ok: true } | { ok: false; reason: 'warning-not-found' | 'warning-cancelled' | 'version-conflict' }
	>;
	get(id: string): Promise<StoredWarning | undefined>;
	/** With the call records and escalations: the closed-loop record. */
	record(id: string): Promise<StoredWarningRecord | undefined>;
	/** Warnings, newest first; `target`: only those targeting that organisation. */
	list(filter: {
		status?: 'active' | 'cancelled';
		target?: string;
		limit?: number;
	}): Promise<StoredWarning[]>;
	/** Appends the organisation's acknowledgement; the first one stands. */
	acknowledge(ack: AckRow): Promise<AckResult>;
	addCall(call: Omit<CallRow, 'id'>): Promise<CallRow>;
	/**
	 * Targets of active warnings not yet expired at `now`, neither acknowledged nor escalated,
	 * whose deadline is at or before `now`.
	 */
	dueTargets(now: number): Promise<DueTarget[]>;
	/** The earliest deadline of such a target still in the future or past, or null. */
	nextDeadline(): Promise<number | null>;
	/**
	 * Records an escalation once per target: null when the target was acknowledged or escalated
	 * meanwhile, or the warning cancelled.
	 */
	escalate(e: Omit<EscalationRow, 'id'>): Promise<EscalationRow | null>;
	/** The next running number under `key` (1, 2, …), for message identifiers. */
	nextSerial(key: string): Promise<number>;
	/** Adds rows to the outbound webhooks' outbox. */
	addDispatches(rows: DispatchRow[]): Promise<void>;
	/**
	 * Claims up to `limit` unsettled rows due at `now` whose lease is free or ran out, leasing
	 * them until `leaseUntil`: a row is claimed by one caller at a time, also across nodes.
	 */
	claimDispatches(now: number, leaseUntil: number, limit: number): Promise<DispatchRow[]>;
	/** After an attempt: the count, and either the next try (`nextAt`) or the end (`outcome`). */
	settleDispatch(
		id: string,
		r:
			| { attempts: number; nextAt: number }
			| { attempts: number; doneAt: number; outcome: 'delivered' | 'failed' }
	): Promise<void>;
	/** When the next unsettled row is due (its lease taken into account), or null. */
	nextDispatchAt(): Promise<number | null>;
	dispatches(warningId: string): Promise<DispatchRow[]>;
}
