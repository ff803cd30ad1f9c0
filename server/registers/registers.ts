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
import { RegisterRefusal } from './refusal.ts';
import {
	RegisterConflict,
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
	/** Organisations with an open task in an active incident (read from the incident documents). */
	deployedOrgs: () => Promise<ReadonlySet<string>>;
	/** One health check of a stream address (server/feeds/playlist-probe.ts with the allow-list). */
	probe: (url: string) => Promise<{ state: string; detail: string }>;
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

	async list(register: RegisterName, q: RegisterQuery): Promise<{ rows: RegisterRow[]; total: number }> {
		const { rows, total } = await this.#d.repo.list(register, q);
		return { rows: await this.answer(rows), total };
	}

	async get(register: RegisterName, id: string): Promise<RegisterRow> {
		const [row] = await this.answer([await this.#existing(register, id)]);
		return row as RegisterRow;
	}

	/** Rows as the API answers them: team availability derived, hazard points' overdue flag. */
	async answer(rows: readonly StoredRegisterRow[]): Promise<RegisterRow[]> {
		const deployed = rows.some((r) => r.register === 'teams') ? await this.#d.deployedOrgs() : new Set();
		const now = this.#now();
		return rows.map((r) => {
			let availability: TeamAvailability | null = null;
			if (r.register === 'teams')
				availability =
					r.ownerOrgId !== null && deployed.has(r.ownerOrgId)
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
				overdue: r.register === 'hazards' && isOverdue(r.status as HazardStatus, r.dueAt, now),
				version: r.version,
				createdAt: new Date(r.createdAt).toISOString(),
				updatedAt: new Date(r.updatedAt).toISOString()
			};
		});
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
		const at = this.#now();
		const after: StoredRegisterRow = {
			...before,
			status: result.state,
			statusDetail: result.detail,
			statusAt: new Date(at).toISOString(),
			version: before.version + 1,
			updatedAt: at
		};
		if (before.status !== after.status || before.statusDetail !== after.statusDetail)
			await this.#apply({
				puts: [{ row: after, expectedVersion: before.version }],
				deletes: [],
				changes: [change(after, before, after, 'check', actor.userId, at)],
				steps: []
			});
		return this.get('cameras', id);
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
	return err.kind === 'duplicate-code'
		? new RegisterRefusal(
				'duplicate-register-code',
				`${err.register} already has a row with code ${err.key}`,
				[{ path: 'code', message: 'duplicate-register-code' }]
			)
		: new RegisterRefusal('register-row-changed', REFUSAL_TEXT['register-row-changed']);
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
	'not-your-township': 'this row belongs to another township than yours',
	'not-your-organisation': 'this row belongs to another organisation than yours',
	'register-row-changed': 'someone changed this row since you read it; reload and try again',
	'unknown-township': 'no such township in the district',
	'unknown-organisation': 'no such organisation',
	'outside-district': 'the position lies outside the district',
	'unknown-depot': 'no depot with this code in the depots register',
	'invalid-hazard-transition': 'the rectification loop does not allow this step',
	'hazard-evidence-required': 'this step needs evidence (a note)',
	'hazard-due-required': 'starting rectification needs a due date'
};
