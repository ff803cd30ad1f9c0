/**
 * Committing teams and equipment from the registers to an incident's tasks (调派), releasing them,
 * and what is committed where. One call commits: the checks, the commitment with the row's new
 * version and its history entry in one batch, and for a team with an organisation the task's
 * assignee set to it in the incident document (a change made for the user, through the room's
 * durable pipeline), so the team's members see the task on their phones.
 *
 * The server decides: the incident is active, the task exists and is open, the person may change
 * the task (and, for a team, assign it to that team: the task policy's own rule; for equipment,
 * edit the equipment row: its owner commits it), the team is free, enough items are free. Two
 * commitments racing for the same row meet at its version: the second is re-checked once.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, OrgDirectory } from '#domain/actor';
import type { CommitBody, CommitmentEntry } from '#domain/api/registers';
import { IncidentDoc, type Task } from '#domain/incident-doc';
import { whyNot, whyNotChangeIncident, whyNotSetField, type EntityFacts } from '#domain/policy';
import { whyNotEditRegisterRow } from '#domain/registers-policy';
import { isOpenStatus } from '#domain/task-workflow';
import type { TaskStatus } from '#domain/vocabulary';
import type { RoomRegistry } from '../rooms/registry.ts';
import { freeOf } from './nearby.ts';
import { deployedOrganisations, type OpenTaskIndex } from './open-tasks.ts';
import { RegisterRefusal } from './refusal.ts';
import { change, conflictRefusal, REFUSAL_TEXT, type Registers } from './registers.ts';
import { RegisterConflict, type RegisterCommitment, type StoredRegisterRow } from './repository.ts';

export interface DispatchDeps {
	registers: Registers;
	registry: RoomRegistry;
	orgs: OrgDirectory;
	userName: (id: string) => Promise<string | undefined>;
	now?: () => number;
}

const refuse = (code: keyof typeof REFUSAL_TEXT, detail?: string): RegisterRefusal =>
	new RegisterRefusal(code, detail ? `${REFUSAL_TEXT[code]}: ${detail}` : REFUSAL_TEXT[code]);

export class Dispatch {
	readonly #d: DispatchDeps;
	readonly #now: () => number;

	constructor(deps: DispatchDeps) {
		this.#d = deps;
		this.#now = deps.now ?? Date.now;
	}

	/** The task as the incident document holds it, with the incident's meta (for the policy). */
	async task(
		incidentId: string,
		taskId: string
	): Promise<{ task: Task & { id: string }; meta: EntityFacts }> {
		const doc = new IncidentDoc((await this.#d.registry.open(incidentId)).doc);
		const task = doc.read<Task>('tasks', taskId);
		if (!task) throw refuse('task-not-found');
		return { task: { ...task, id: taskId }, meta: doc.meta.toJSON() };
	}

	async commit(actor: Actor, incidentId: string, body: CommitBody): Promise<CommitmentEntry> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.#commitOnce(actor, incidentId, body);
			} catch (err) {
				// Someone else wrote the row meanwhile (another commitment): check again on what is there now.
				if (attempt === 0 && err instanceof RegisterConflict && err.kind === 'row-changed') continue;
				throw conflictRefusal(err);
			}
		}
	}

	async #commitOnce(actor: Actor, incidentId: string, body: CommitBody): Promise<CommitmentEntry> {
		const { registers, orgs } = this.#d;
		const { task, meta } = await this.task(incidentId, body.taskId);
		// An interface has no index signature; the policy reads its fields by name.
		const facts = task as unknown as EntityFacts;
		const closed = whyNotChangeIncident(actor, meta);
		if (closed) throw refuse('commit-not-allowed', closed);
		if (meta.status !== 'active') throw refuse('incident-not-active');
		if (!isOpenStatus(task.status as TaskStatus)) throw refuse('task-not-open');
		const row = await registers.repo.get(body.register, body.rowId);
		if (!row) throw refuse('register-row-not-found');
		const tasks = await registers.openTasks();
		const [answered] = await registers.answer([row], tasks);
		const quantity = body.register === 'teams' ? 1 : body.quantity;

		const reassign =
			body.register === 'teams' && row.ownerOrgId !== null && row.ownerOrgId !== task.assigneeOrgId;
		const why =
			whyNot(actor, 'update', { collection: 'tasks', entity: facts }, orgs) ??
			(reassign
				? whyNotSetField(
						actor,
						'tasks',
						facts,
						'assigneeOrgId',
						row.ownerOrgId,
						{ ...facts, assigneeOrgId: row.ownerOrgId },
						orgs
					)
				: body.register === 'teams' && row.ownerOrgId !== null
					? null
					: whyNotEditRegisterRow(actor, row, orgs));
		if (why) throw refuse('commit-not-allowed', why);

		if (body.register === 'teams') {
			if (answered?.availability !== 'standby')
				throw refuse('resource-not-free', await this.#whereIs(row, tasks));
		} else {
			if (row.data.status !== 'ready') throw refuse('resource-not-free', `status ${String(row.data.status)}`);
			const free = answered ? freeOf(answered) : 0;
			if (quantity > free) throw refuse('not-enough-free', `${free} free, ${quantity} asked`);
		}

		const at = this.#now();
		const commitment: RegisterCommitment = {
			id: randomUUID(),
			incidentId,
			taskId: task.id,
			register: body.register,
			rowId: row.id,
			quantity,
			byUserId: actor.userId,
			at,
			releasedAt: null,
			releasedBy: null
		};
		const after: StoredRegisterRow = { ...row, version: row.version + 1, updatedAt: at };
		await registers.repo.apply({
			puts: [{ row: after, expectedVersion: row.version }],
			deletes: [],
			changes: [change(after, row, after, 'commit', actor.userId, at)],
			steps: [],
			commitments: [commitment]
		});
		if (reassign) {
			try {
				const room = await this.#d.registry.open(incidentId);
				await room.change(
					(doc) => new IncidentDoc(doc).tasks.get(task.id)?.set('assigneeOrgId', row.ownerOrgId),
					{
						userId: actor.userId,
						orgId: actor.orgId
					}
				);
			} catch (err) {
				// The task could not be reassigned: the commitment does not stand without it.
				await this.#release(commitment, actor, body.register);
				throw err;
			}
		}
		return this.#entry(commitment, row, { title: task.title, status: task.status }, meta);
	}

	async release(actor: Actor, incidentId: string, commitmentId: string): Promise<void> {
		const c = await this.#d.registers.repo.getCommitment(commitmentId);
		if (!c || c.incidentId !== incidentId) throw refuse('commitment-not-found');
		if (c.releasedAt !== null) throw refuse('commitment-released');
		const row = await this.#d.registers.repo.get(c.register, c.rowId);
		const doc = new IncidentDoc((await this.#d.registry.open(incidentId)).doc);
		const task = doc.read<Task>('tasks', c.taskId);
		const why = task
			? (whyNotChangeIncident(actor, doc.meta.toJSON()) ??
				whyNot(
					actor,
					'update',
					{ collection: 'tasks', entity: task as unknown as EntityFacts },
					this.#d.orgs
				))
			: row
				? whyNotEditRegisterRow(actor, row, this.#d.orgs)
				: actor.role === 'commander'
					? null
					: 'only a commander releases what was committed to a deleted task';
		if (why) throw refuse('commit-not-allowed', why);
		await this.#release(c, actor, c.register);
	}

	async #release(
		c: RegisterCommitment,
		actor: Actor,
		register: RegisterCommitment['register']
	): Promise<void> {
		const repo = this.#d.registers.repo;
		for (let attempt = 0; ; attempt++) {
			const at = this.#now();
			const row = await repo.get(register, c.rowId);
			const after = row && { ...row, version: row.version + 1, updatedAt: at };
			try {
				await repo.apply({
					puts: row && after ? [{ row: after, expectedVersion: row.version }] : [],
					deletes: [],
					changes: row && after ? [change(after, row, after, 'release', actor.userId, at)] : [],
					steps: [],
					releases: [{ id: c.id, register, at, byUserId: actor.userId }]
				});
				return;
			} catch (err) {
				if (err instanceof RegisterConflict && err.kind === 'commitment-released')
					throw refuse('commitment-released');
				if (attempt === 0 && err instanceof RegisterConflict && err.kind === 'row-changed') continue;
				throw conflictRefusal(err);
			}
		}
	}

	/**
	 * What is committed where, now: the commitments whose task is open in an active incident, and
	 * the teams out on an open task assigned to their organisation in the room (nothing to release:
	 * the task's assignee says it). Of one incident, or of all.
	 */
	async committedWhere(incidentId?: string): Promise<CommitmentEntry[]> {
		const { registers } = this.#d;
		const tasks = await registers.openTasks();
		const out: CommitmentEntry[] = [];
		const explicit = new Set<string>();
		for (const c of await registers.repo.commitments(incidentId === undefined ? {} : { incidentId })) {
			const t = tasks.get(c.incidentId)?.get(c.taskId);
			if (!t) continue;
			const row = await registers.repo.get(c.register, c.rowId);
			if (!row) continue;
			if (c.register === 'teams') explicit.add(`${c.incidentId}/${c.taskId}/${row.ownerOrgId}`);
			out.push(await this.#entry(c, row, t, { name: t.incidentName }, c.incidentId));
		}
		const byOrg = new Map<string, StoredRegisterRow[]>();
		for (const team of await registers.repo.all('teams'))
			if (team.ownerOrgId !== null) byOrg.set(team.ownerOrgId, [...(byOrg.get(team.ownerOrgId) ?? []), team]);
		for (const [id, open] of tasks) {
			if (incidentId !== undefined && id !== incidentId) continue;
			for (const t of open.values()) {
				if (explicit.has(`${id}/${t.taskId}/${t.assigneeOrgId}`)) continue;
				for (const team of byOrg.get(t.assigneeOrgId) ?? [])
					out.push({
						id: null,
						incidentId: id,
						incidentName: t.incidentName,
						taskId: t.taskId,
						taskTitle: t.title,
						taskStatus: t.status,
						register: 'teams',
						rowId: team.id,
						code: team.code,
						name: team.name,
						quantity: 1,
						byUserId: null,
						byName: null,
						at: null
					});
			}
		}
		return out;
	}

	async #whereIs(row: StoredRegisterRow, tasks: OpenTaskIndex): Promise<string> {
		for (const c of await this.#d.registers.repo.commitments({ register: 'teams', rowId: row.id })) {
			const t = tasks.get(c.incidentId)?.get(c.taskId);
			if (t) return `committed to 「${t.title}」 (${t.incidentName})`;
		}
		if (row.ownerOrgId !== null && deployedOrganisations(tasks).has(row.ownerOrgId))
			for (const open of tasks.values())
				for (const t of open.values())
					if (t.assigneeOrgId === row.ownerOrgId) return `out on 「${t.title}」 (${t.incidentName})`;
		return 'resting';
	}

	async #entry(
		c: RegisterCommitment,
		row: StoredRegisterRow,
		task: { title: string; status: string },
		meta: { name?: unknown },
		incidentId = c.incidentId
	): Promise<CommitmentEntry> {
		return {
			id: c.id,
			incidentId,
			incidentName: typeof meta.name === 'string' ? meta.name : '',
			taskId: c.taskId,
			taskTitle: task.title,
			taskStatus: task.status,
			register: c.register,
			rowId: row.id,
			code: row.code,
			name: row.name,
			quantity: c.quantity,
			byUserId: c.byUserId,
			byName: (await this.#d.userName(c.byUserId)) ?? null,
			at: new Date(c.at).toISOString()
		};
	}
}
