/**
 * The registers' service: every read and write of a register row goes through it, so its rules
 * hold for the REST API, the CSV import and the seed alike. A write is checked (row-check.ts),
 * authorised (domain/registers-policy.ts: the command centre edits all, a township its own
 * township's rows, an agency its own), then stored with the record of the change in one batch.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, OrgDirectory } from '#domain/actor';
import type { RegisterRefusalCode, RegisterRow } from '#domain/api/registers';
import {
	hazardStepProblem,
	isOverdue,
	type HazardStatus,
	type HazardStepRequest
} from '#domain/registers-hazard';
import { whyNotEditRegisterRow, type RowScope } from '#domain/registers-policy';
import type { RegisterName, RegisterRowInput, TeamAvailability } from '#domain/registers';
import { deployedOrganisations, isTaskOpen, type OpenTaskIndex } from './open-tasks.ts';
import { RegisterRefusal } from './refusal.ts';
import {
	RegisterConflict,
	type CommittableRegister,
	type RegisterBatch,
	type RegisterChangeAction,
	type RegisterQuery,
	type RegisterRepository,
	type StoredRegisterRow
} from './repository.ts';
import { checkRow, type RowCheckContext, type RowProblem } from './row-check.ts';

export interface RegistersDeps extends RowCheckContext {
	repo: RegisterRepository;
	orgs: OrgDirectory;
	/** The open tasks of the active incidents (read from the incident documents: open-tasks.ts). */
	openTasks: () => Promise<OpenTaskIndex>;
	/** One health check of a stream address (server/feeds/playlist-probe.ts with the allow-list). */
	probe: (url: string) => Promise<{ state: string; detail: string; cause?: string }>;
	now?: () => number;
}

export class Registers {
	readonly #d: RegistersDeps;
	readonly #now: () => number;

	constructor(deps: RegistersDeps) {
		this.#d = deps;
		this.#now = deps.now ?? Date.now;
	}

	get repo(): RegisterRepository {
		return this.#d.repo;
	}

	/** The open tasks of the active incidents, as availability and commitments read them. */
	openTasks(): Promise<OpenTaskIndex> {
		return this.#d.openTasks();
	}

	async list(register: RegisterName, q: RegisterQuery): Promise<{ rows: RegisterRow[]; total: number }> {
		const { rows, total } = await this.#d.repo.list(register, q);
		return { rows: await this.answer(rows), total };
	}

	async get(register: RegisterName, id: string): Promise<RegisterRow> {
		const [row] = await this.answer([await this.#existing(register, id)]);
		return row as RegisterRow;
	}

	/**
	 * Rows as the API answers them: team availability derived, what is committed of teams and
	 * equipment (commitments whose task is open), hazard points' overdue flag.
	 */
	async answer(rows: readonly StoredRegisterRow[], known?: OpenTaskIndex): Promise<RegisterRow[]> {
		const committable = new Set(
			rows.filter((r) => r.register === 'teams' || r.register === 'equipment').map((r) => r.register)
		);
		const tasks = committable.size > 0 ? (known ?? (await this.#d.openTasks())) : new Map();
		const deployed = deployedOrganisations(tasks);
		const committed = new Map<string, number>();
		for (const register of committable)
			for (const c of await this.#d.repo.commitments({ register: register as CommittableRegister }))
				if (isTaskOpen(tasks, c.incidentId, c.taskId))
					committed.set(
						`${c.register}/${c.rowId}`,
						(committed.get(`${c.register}/${c.rowId}`) ?? 0) + c.quantity
					);
		const now = this.#now();
		return rows.map((r) => {
			const held = committed.get(`${r.register}/${r.id}`) ?? 0;
			let availability: TeamAvailability | null = null;
			if (r.register === 'teams')
				availability =
					held > 0 || (r.ownerOrgId !== null && deployed.has(r.ownerOrgId))
						? 'deployed'
						: ((r.data.availability as TeamAvailability | undefined) ?? 'standby');
			return {
				register: r.register,
				id: r.id,
				code: r.code,
				name: r.name,
				township: r.township,
				ownerOrgId: r.ownerOrgId,
				lon: r.lon,
				lat: r.lat,
				demo: r.demo,
				data: r.data,
				status: r.status,
				statusDetail: r.statusDetail,
				statusAt: r.statusAt,
				dueAt: r.dueAt,
				availability,
				committed: r.register === 'teams' || r.register === 'equipment' ? held : null,
				overdue: r.register === 'hazards' && isOverdue(r.status as HazardStatus, r.dueAt, now),
				version: r.version,
				createdAt: new Date(r.createdAt).toISOString(),
				updatedAt: new Date(r.updatedAt).toISOString()
			};
		});
	}

	/** One health check of a stream address, as the incident feeds' checks make it. */
	probe(url: string): Promise<{ state: string; detail: string; cause?: string }> {
		return this.#d.probe(url);
	}

	/** Checks a row input; throws the first problem as a named refusal with every problem as issues. */
	async check(register: RegisterName, raw: unknown): Promise<RegisterRowInput> {
		const r = await checkRow(this.#d, register, raw);
		if (r.ok) return r.input;
		throw refusalOf(r.problems);
	}

	whyNot(actor: Actor, scope: RowScope): string | null {
		return whyNotEditRegisterRow(actor, scope, this.#d.orgs);
	}

	authorise(actor: Actor, ...scopes: RowScope[]): void {
		for (const s of scopes) {
			const why = whyNotEditRegisterRow(actor, s, this.#d.orgs);
			if (why) throw new RegisterRefusal(why, REFUSAL_TEXT[why]);
		}
	}

	/** A new stored row from a checked input (hazards start registered, cameras unchecked). */
	newRow(register: RegisterName, input: RegisterRowInput, at: number): StoredRegisterRow {
		return {
			register,
			id: randomUUID(),
			...input,
			status: register === 'hazards' ? 'registered' : register === 'cameras' ? 'unknown' : null,
			statusDetail: null,
			statusAt: register === 'hazards' ? new Date(at).toISOString() : null,
			dueAt: null,
			version: 1,
			createdAt: at,
			updatedAt: at
		};
	}

	async create(actor: Actor, register: RegisterName, raw: unknown): Promise<RegisterRow> {
		const input = await this.check(register, raw);
		this.authorise(actor, input);
		const at = this.#now();
		const row = this.newRow(register, input, at);
		await this.#apply({
			puts: [{ row, expectedVersion: null }],
			deletes: [],
			changes: [change(row, null, row, 'create', actor.userId, at)],
			steps:
				register === 'hazards'
					? [
							{
								hazardId: row.id,
								from: 'registered',
								to: 'registered',
								at,
								byUserId: actor.userId,
								note: '',
								dueAt: null
							}
						]
					: []
		});
		return this.get(register, row.id);
	}

	async update(
		actor: Actor,
		register: RegisterName,
		id: string,
		raw: unknown,
		version: number
	): Promise<RegisterRow> {
		const before = await this.#existing(register, id);
		this.authorise(actor, before);
		const input = await this.check(register, raw);
		this.authorise(actor, input);
		if (before.version !== version)
			throw new RegisterRefusal('register-row-changed', REFUSAL_TEXT['register-row-changed']);
		const at = this.#now();
		const after: StoredRegisterRow = { ...before, ...input, version: before.version + 1, updatedAt: at };
		await this.#apply({
			puts: [{ row: after, expectedVersion: before.version }],
			deletes: [],
			changes: [change(after, before, after, 'update', actor.userId, at)],
			steps: []
		});
		return this.get(register, id);
	}

	async remove(actor: Actor, register: RegisterName, id: string): Promise<void> {
		const before = await this.#existing(register, id);
		this.authorise(actor, before);
		const at = this.#now();
		await this.#apply({
			puts: [],
			deletes: [{ register, id, expectedVersion: before.version }],
			changes: [change(before, before, null, 'delete', actor.userId, at)],
			steps: []
		});
	}

	/** One step of a hazard point's rectification loop, by whoever may edit the point. */
	async step(actor: Actor, id: string, req: HazardStepRequest): Promise<RegisterRow> {
		const before = await this.#existing('hazards', id);
		this.authorise(actor, before);
		const from = (before.status ?? 'registered') as HazardStatus;
		const problem = hazardStepProblem(from, req);
		if (problem) throw new RegisterRefusal(problem, `${REFUSAL_TEXT[problem]} (${from} → ${req.to})`);
		const at = this.#now();
		const after: StoredRegisterRow = {
			...before,
			status: req.to,
			statusAt: new Date(at).toISOString(),
			statusDetail: req.note.trim() || null,
			dueAt: req.to === 'closed' ? null : (req.dueAt ?? before.dueAt),
			version: before.version + 1,
			updatedAt: at
		};
		await this.#apply({
			puts: [{ row: after, expectedVersion: before.version }],
			deletes: [],
			changes: [change(after, before, after, 'step', actor.userId, at)],
			steps: [
				{
					hazardId: id,
					from,
					to: req.to,
					at,
					byUserId: actor.userId,
					note: req.note.trim(),
					dueAt: req.dueAt
				}
			]
		});
		return this.get('hazards', id);
	}

	/** Checks a camera's stream now, as incident feeds are checked, and records the result. */
	async checkCamera(actor: Actor, id: string): Promise<RegisterRow> {
		const before = await this.#existing('cameras', id);
		const result = await this.#d.probe(String(before.data.url));
		await this.recordCameraCheck(before, result, actor.userId);
		return this.get('cameras', id);
	}

	/**
	 * Records a camera's health when it changed (state or detail): the row's status with the time it
	 * was set, and an entry in its history ('check'; by null for the periodic sweep). An unchanged
	 * result writes nothing, so the history says when a camera went offline and came back, and a
	 * person editing the row is not refused as stale by every sweep. Returns whether it wrote.
	 */
	async recordCameraCheck(
		before: StoredRegisterRow,
		result: { state: string; detail: string },
		byUserId: string | null
	): Promise<boolean> {
		if (before.status === result.state && before.statusDetail === result.detail) return false;
		const at = this.#now();
		const after: StoredRegisterRow = {
			...before,
			status: result.state,
			statusDetail: result.detail,
			statusAt: new Date(at).toISOString(),
			version: before.version + 1,
			updatedAt: at
		};
		await this.#apply({
			puts: [{ row: after, expectedVersion: before.version }],
			deletes: [],
			changes: [change(after, before, after, 'check', byUserId, at)],
			steps: []
		});
		return true;
	}

	/** A batch made elsewhere (the CSV import, the seed), refusals named as for a single write. */
	async applyBatch(batch: RegisterBatch): Promise<void> {
		await this.#apply(batch);
	}

	async #existing(register: RegisterName, id: string): Promise<StoredRegisterRow> {
		const row = await this.#d.repo.get(register, id);
		if (!row) throw new RegisterRefusal('register-row-not-found', `no ${register} row ${id}`);
		return row;
	}

	async #apply(batch: RegisterBatch): Promise<void> {
		try {
			await this.#d.repo.apply(batch);
		} catch (err) {
			throw conflictRefusal(err);
		}
	}
}

export function change(
	row: StoredRegisterRow,
	before: StoredRegisterRow | null,
	after: StoredRegisterRow | null,
	action: RegisterChangeAction,
	byUserId: string | null,
	at: number
) {
	return { register: row.register, rowId: row.id, at, byUserId, action, before, after };
}

export function conflictRefusal(err: unknown): unknown {
	if (!(err instanceof RegisterConflict)) return err;
	if (err.kind === 'duplicate-code')
		return new RegisterRefusal(
			'duplicate-register-code',
			`${err.register} already has a row with code ${err.key}`,
			[{ path: 'code', message: 'duplicate-register-code' }]
		);
	if (err.kind === 'commitment-released')
		return new RegisterRefusal('commitment-released', REFUSAL_TEXT['commitment-released']);
	return new RegisterRefusal('register-row-changed', REFUSAL_TEXT['register-row-changed']);
}

const isRefusalCode = (p: string): p is RegisterRefusalCode => p in REFUSAL_TEXT;

function refusalOf(problems: readonly RowProblem[]): RegisterRefusal {
	const issues = problems.map((p) => ({ path: p.field, message: p.problem }));
	const first = problems[0];
	const named = problems.find((p) => isRefusalCode(p.problem));
	if (named && isRefusalCode(named.problem))
		return new RegisterRefusal(named.problem, `${named.field}: ${REFUSAL_TEXT[named.problem]}`, issues);
	return new RegisterRefusal('invalid-register-row', `${first?.field}: ${first?.problem}`, issues);
}

export const REFUSAL_TEXT: Readonly<Record<RegisterRefusalCode, string>> = {
	'register-row-not-found': 'no such row in this register',
	'invalid-register-row': 'a field of the row is missing or not valid',
	'duplicate-register-code': 'the register already has a row with this code',
	'import-has-errors': 'rows of the file have errors: correct or exclude them; nothing was written',
	'import-unreadable': 'the file is no CSV this register can read',
	'register-read-only': 'your role reads the registers and changes none of them',
	'other-township-row': 'this row belongs to another township than yours',
	'other-organisation-row': 'this row belongs to another organisation than yours',
	'register-row-changed': 'someone changed this row since you read it; reload and try again',
	'unknown-township': 'no such township in the district',
	'unknown-organisation': 'no such organisation',
	'outside-district': 'the position lies outside the district',
	'unknown-depot': 'no depot with this code in the depots register',
	'invalid-hazard-transition': 'the rectification loop does not allow this step',
	'hazard-evidence-required': 'this step needs evidence (a note)',
	'hazard-due-required': 'starting rectification needs a due date',
	'task-not-found': 'no such task in this incident',
	'task-not-open': 'the task is done or cancelled: nothing more is committed to it',
	'incident-not-active': 'the incident is closed: nothing more is committed to it',
	'task-has-no-place': 'the task has no place on the map: pick a point instead',
	'commit-not-allowed': 'you may not commit this to that task',
	'resource-not-free': 'this is not free: it is committed elsewhere, or not ready',
	'not-enough-free': 'fewer items are free than asked for',
	'commitment-not-found': 'no such commitment in this incident',
	'commitment-released': 'this commitment was released already'
};
