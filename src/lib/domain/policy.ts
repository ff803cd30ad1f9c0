/**
 * The permission policy: who may change what inside an incident. Pure functions over an Actor,
 * the facts of the entity concerned and the organisation directory, with no Yjs and no I/O.
 * Who may edit which field of an entity, and which collections only the server writes, are in
 * the schema's table (schema.ts, worked out in policy/edit-rights.ts); the rules here are the
 * ones that depend on values: assignees, township tags, the workflow, attribution.
 *
 * The UI asks it which controls to offer (`can`, `editableFields`, `allowedStatusChanges`);
 * the server's guard (server/guard) asks the same functions, with the facts it resolved from
 * each incoming Yjs update, and refuses the whole update on the first denial. The role matrix
 * in ARCHITECTURE.md is this file and the schema's edit rules in table form; change them together.
 *
 * The `why*` functions return null when allowed, or a sentence saying why not (shown to the
 * refused sender and logged); `can` is the boolean the UI wants.
 */
import type { Actor, OrgDirectory } from './actor.ts';
import type { TaskUpdate } from './incident-doc.ts';
import { editableFields, isSetOnce, mayEditField } from './policy/edit-rights.ts';
import { createdEntity, isOwnTeam, ownsEntity, worksOnTask } from './policy/relations.ts';
import {
	INCIDENT_SCHEMA,
	isEntityCollection,
	writtenByServer,
	type EntityCollection,
	type NestedListTarget,
	type ServerWrittenCollection
} from './schema.ts';
import { canTransition, allowedNextStatuses, transitionNeedsReason } from './task-workflow.ts';
import { TASK_STATUSES, type Role, type TaskStatus } from './vocabulary.ts';

export { editableFields } from './policy/edit-rights.ts';
export { isOwnTeam } from './policy/relations.ts';

export type Action = 'create' | 'update' | 'delete';

/**
 * Who may open (report) a new incident: the command centre, departments and township duty
 * officers. Field teams report through tasks and observations; leaders watch; admins administer.
 */
export const INCIDENT_OPENERS: readonly Role[] = ['commander', 'agency', 'township'];

export function mayOpenIncident(actor: Actor): boolean {
	return INCIDENT_OPENERS.includes(actor.role);
}

/** An entity's fields as stored, or as proposed when it is being created. */
export type EntityFacts = Readonly<Record<string, unknown>>;

/** What an action is about, with the facts the policy needs to decide. */
export type Target =
	| { collection: EntityCollection; entity: EntityFacts }
	/**
	 * A task's progress thread: `entry` is the progress update added or removed; `task` is the
	 * task as it is once the change is applied and `before` as it was (null: the change creates
	 * it), which an entry recording a status move is checked against.
	 */
	| {
			collection: 'taskUpdates';
			task: EntityFacts;
			entry: Partial<TaskUpdate> | null;
			before?: EntityFacts | null;
	  }
	| { collection: 'figures'; township: string }
	| { collection: 'meta' }
	/** A user's live position; `entry` is the position written (create/update). */
	| { collection: 'positions'; userId: string; entry?: { orgId?: unknown } | null }
	| { collection: 'wall' }
	| { collection: 'feedHealth' };

export type PolicyCollection = Target['collection'];

/**
 * Why nobody but the server writes a collection: the sentence a client's write to it is
 * refused with. A collection the schema marks as written by the server needs one.
 */
const SERVER_ONLY: Readonly<Record<ServerWrittenCollection, string>> = {
	feedHealth: 'feed health is written by the server only',
	warnings: 'warnings are written by the server only (mirrored from where they are issued)'
};

/** The refusal of any client write to `collection`, if only the server writes it. */
function serverOnlyReason(collection: PolicyCollection): string | null {
	return writtenByServer(collection) ? SERVER_ONLY[collection] : null;
}

/** Roles that may write anything at all inside an incident. */
function writes(actor: Actor): boolean {
	return (
		actor.role === 'commander' ||
		actor.role === 'agency' ||
		actor.role === 'township' ||
		actor.role === 'field'
	);
}

function readOnlyReason(actor: Actor): string {
	return actor.role === 'admin'
		? 'administrators manage users and organisations; inside incidents they only read'
		: `the ${actor.role} role changes nothing in an incident`;
}

/**
 * Why the actor may write nothing at all inside an incident (presence aside), or null if their
 * role writes. The guard refuses any update of such an actor that adds or removes anything, even
 * what touches no field (a garbage-collected run, content deleted as it is inserted).
 */
export function whyNotWrite(actor: Actor): string | null {
	return writes(actor) ? null : readOnlyReason(actor);
}

/**
 * Why the actor may write nothing in `collection`, whatever the change: a read-only role, or a
 * collection only the server writes (feed health). Null: it depends on the change (whyNot).
 */
export function whyNotWriteTo(actor: Actor, collection: PolicyCollection): string | null {
	return writes(actor) ? serverOnlyReason(collection) : readOnlyReason(actor);
}

/**
 * Whether the actor may present (drive everyone's map view in a consultation): the roles that
 * work in an incident. Viewers and administrators watch. The server clears a presenter flag
 * anyone else publishes.
 */
export function mayPresent(actor: Actor | null): boolean {
	return actor !== null && writes(actor);
}

/** Whether the actor may assign a task to `orgId`. */
export function canAssignTo(actor: Actor, orgId: unknown, orgs: OrgDirectory): boolean {
	if (typeof orgId !== 'string') return false;
	if (actor.role === 'commander') return orgs.get(orgId) !== undefined;
	if (actor.role === 'agency' || actor.role === 'township') return isOwnTeam(actor, orgId, orgs);
	return false;
}

/**
 * Whether the actor may choose how often the members of team `orgId` share their position: a
 * commander for any known organisation, an agency or township officer for their own teams (the
 * teams they lead and dispatch, as for assigning tasks). Field members do not set it for their
 * team; each still decides whether to share at all.
 */
export function maySetTeamInterval(actor: Actor, orgId: unknown, orgs: OrgDirectory): boolean {
	return canAssignTo(actor, orgId, orgs);
}

/**
 * Whether the actor may tag a task with `township` (or null: no township). The leaders' screen
 * counts a task in its township's progress, so a township duty officer tags only with their own
 * township; agencies work across townships and commanders tag with any. Whether the value is a
 * well-formed code is the value checks' business.
 */
export function canTagTownship(actor: Actor, township: unknown): boolean {
	switch (actor.role) {
		case 'commander':
		case 'agency':
			return true;
		case 'township':
			return township === actor.township;
		default:
			return false;
	}
}

function ownTownshipOnly(actor: Actor): string {
	return `a township duty officer tags tasks only with their own township (${actor.township ?? 'none'})`;
}

function blank(v: unknown): boolean {
	return typeof v !== 'string' || v.trim() === '';
}

/**
 * 受阻 and 已取消 carry their reason for as long as the task stays so: the commander sees why
 * without asking, so the reason may be reworded but not removed or emptied.
 */
function whyNotTaskReason(task: EntityFacts, field: string | null): string | null {
	const status = task.status;
	if (!isTaskStatus(status) || !transitionNeedsReason(status) || !blank(task.statusReason)) return null;
	return field === 'statusReason'
		? `a ${status} task keeps a reason; reword it instead of removing it`
		: `a task set to ${status} needs a reason`;
}

/**
 * A progress update that records a status move (`entry.status`, shown as "→ 已完成") must
 * come with that very move of the task in the same change, or the thread would tell a story
 * the task's status does not.
 */
function whyNotRecordMove(
	to: unknown,
	before: EntityFacts | null | undefined,
	after: EntityFacts
): string | null {
	if (!before) return 'a new task’s thread records no move; its status is where it starts';
	const from = before.status;
	const now = after.status;
	if (from !== now && now === to) return null;
	const what =
		from === now ? `the task stays ${String(now)}` : `the task goes from ${String(from)} to ${String(now)}`;
	return `this progress update records a move to ${String(to)}, but ${what} in this change`;
}

/** Attribution of a new entity: made by the actor, owned by their organisation (commanders may name another). */
function whyNotAttribution(actor: Actor, e: EntityFacts, orgs: OrgDirectory): string | null {
	if (e.createdBy !== actor.userId) return `createdBy must be the author (${actor.userId})`;
	if (typeof e.createdAt !== 'string') return 'createdAt is required';
	if (e.ownerOrgId === actor.orgId) return null;
	if (actor.role === 'commander' && typeof e.ownerOrgId === 'string' && orgs.get(e.ownerOrgId)) return null;
	return `ownerOrgId must be the author's organisation (${actor.orgId})`;
}

function whyNotCreateEntity(
	actor: Actor,
	collection: EntityCollection,
	e: EntityFacts,
	orgs: OrgDirectory
): string | null {
	const attribution = INCIDENT_SCHEMA[collection].authored ? whyNotAttribution(actor, e, orgs) : null;
	if (attribution) return attribution;
	const role = whyNotCreateByRole(actor, collection, e, orgs);
	if (role) return role;
	return collection === 'tasks' ? whyNotTaskReason(e, null) : null;
}

function whyNotCreateByRole(
	actor: Actor,
	collection: EntityCollection,
	e: EntityFacts,
	orgs: OrgDirectory
): string | null {
	switch (actor.role) {
		case 'commander':
			if (collection === 'tasks' && !canAssignTo(actor, e.assigneeOrgId, orgs))
				return 'the assignee is not a known organisation';
			return null;
		case 'agency':
		case 'township':
			if (collection === 'tasks') {
				if (!canAssignTo(actor, e.assigneeOrgId, orgs)) {
					return actor.role === 'agency'
						? 'an agency creates tasks only for its own teams'
						: 'a township creates tasks only for teams in its township';
				}
				if (e.status !== 'new' && e.status !== 'dispatched') return 'a new task starts as new or dispatched';
				if (!canTagTownship(actor, e.township)) return ownTownshipOnly(actor);
			}
			return null;
		case 'field':
			if (collection === 'annotations' && e.kind === 'observation') return null;
			if (collection === 'reports') return null;
			return 'a field team member adds only observation points and field reports';
		default:
			return readOnlyReason(actor);
	}
}

function whyNotDeleteEntity(actor: Actor, collection: EntityCollection, e: EntityFacts): string | null {
	switch (actor.role) {
		case 'commander':
			return null;
		case 'agency':
		case 'township':
			return ownsEntity(actor, e) ? null : `this ${singular(collection)} belongs to another organisation`;
		case 'field':
			return createdEntity(actor, e) ? null : `a field team member deletes only what they created`;
		default:
			return readOnlyReason(actor);
	}
}

/**
 * Whether the actor may set `field` of an existing entity to `value`. `after` is the entity as it
 * would be once the whole change is applied (other fields set in the same change included).
 */
export function whyNotSetField(
	actor: Actor,
	collection: EntityCollection,
	before: EntityFacts,
	field: string,
	value: unknown,
	after: EntityFacts,
	orgs: OrgDirectory
): string | null {
	if (!writes(actor)) return readOnlyReason(actor);
	const serverOnly = serverOnlyReason(collection);
	if (serverOnly !== null) return serverOnly;
	if (isSetOnce(collection, field))
		return `${field} records who made this ${singular(collection)} and never changes`;
	if (!mayEditField(actor, collection, before, field, orgs)) {
		return `you may not change ${field} of this ${singular(collection)}`;
	}
	if (field === 'ownerOrgId' && (typeof value !== 'string' || !orgs.get(value)))
		return 'unknown owner organisation';
	if (collection === 'annotations' && field === 'kind' && actor.role === 'field' && value !== 'observation') {
		return 'a field team member keeps their annotations as observation points';
	}
	if (collection === 'tasks') {
		if (field === 'assigneeOrgId' && !canAssignTo(actor, value, orgs))
			return 'you may not assign this task to that organisation';
		if (field === 'township' && !canTagTownship(actor, value)) return ownTownshipOnly(actor);
		if (field === 'status') {
			const from = before.status;
			if (!isTaskStatus(value)) return 'unknown task status';
			if (actor.role !== 'commander' && (!isTaskStatus(from) || !canTransition(from, value))) {
				return `a task cannot go from ${String(from)} to ${value}`;
			}
		}
		if (field === 'status' || field === 'statusReason') return whyNotTaskReason(after, field);
	}
	return null;
}

/**
 * The incident itself as the policy needs it: its state before the change being judged (the
 * server's document before the update; the UI's copy as it stands).
 */
export type IncidentFacts = Readonly<{ status?: unknown }>;

/**
 * Whether the actor may change anything inside the incident at all, before asking about the
 * change itself. A closed incident is the record of what happened: only a commander changes it
 * then (a correction, or reopening it, which is a change of `meta` and commander-only anyway).
 */
export function whyNotChangeIncident(actor: Actor, incident: IncidentFacts): string | null {
	if (!writes(actor)) return readOnlyReason(actor);
	if (incident.status === 'closed' && actor.role !== 'commander')
		return 'the incident is closed; only a commander may change it';
	return null;
}

/** Whether the UI offers the actor any control that changes the incident (see whyNotChangeIncident). */
export function mayChangeIncident(actor: Actor, incident: IncidentFacts): boolean {
	return whyNotChangeIncident(actor, incident) === null;
}

/** The statuses the actor may move a task to now (for the buttons the UI offers). */
export function allowedStatusChanges(
	actor: Actor,
	task: EntityFacts,
	orgs: OrgDirectory
): readonly TaskStatus[] {
	if (!editableFields(actor, 'tasks', task, orgs).has('status')) return [];
	if (actor.role === 'commander') return TASK_STATUSES.filter((s) => s !== task.status);
	return isTaskStatus(task.status) ? allowedNextStatuses(task.status) : [];
}

/** Why the actor may not do `action` on `target`, or null if they may. */
export function whyNot(actor: Actor, action: Action, target: Target, orgs: OrgDirectory): string | null {
	if (!writes(actor)) return readOnlyReason(actor);
	const serverOnly = serverOnlyReason(target.collection);
	if (serverOnly !== null) return serverOnly;
	if (isEntityTarget(target)) {
		const { collection, entity } = target;
		if (action === 'create') return whyNotCreateEntity(actor, collection, entity, orgs);
		if (action === 'delete') return whyNotDeleteEntity(actor, collection, entity);
		return editableFields(actor, collection, entity, orgs).size > 0
			? null
			: `you may not change this ${singular(collection)}`;
	}
	switch (target.collection) {
		case 'taskUpdates': {
			const { task, entry } = target;
			if (action === 'delete') {
				if (actor.role === 'commander') return null;
				return entry?.by === actor.userId ? null : 'only its author or a commander removes a progress update';
			}
			if (entry && (entry.by !== actor.userId || entry.orgId !== actor.orgId)) {
				return 'a progress update must carry its author and their organisation';
			}
			const reports =
				actor.role === 'commander' ||
				worksOnTask(actor, task, orgs) ||
				((actor.role === 'agency' || actor.role === 'township') && ownsEntity(actor, task));
			if (!reports) return 'only the task’s assignee, its owner or a commander reports progress on it';
			return entry?.status === undefined ? null : whyNotRecordMove(entry.status, target.before, task);
		}
		case 'figures':
			if (actor.role === 'commander') return null;
			if (actor.role === 'township' && actor.township !== null && target.township === actor.township)
				return null;
			return actor.role === 'township'
				? 'a township edits only its own figures'
				: 'only township duty officers and commanders edit figures';
		case 'meta':
			return actor.role === 'commander'
				? null
				: 'only a commander changes the incident itself (level, status, closing)';
		case 'positions':
			if (action === 'delete' && actor.role === 'commander') return null;
			if (target.userId !== actor.userId) return 'you may publish only your own position';
			if (action !== 'delete' && target.entry && target.entry.orgId !== actor.orgId) {
				return 'a position must carry your organisation';
			}
			return null;
		case 'wall':
			return actor.role === 'commander' ? null : 'only a commander arranges the video wall';
		case 'feedHealth':
			// Answered above (SERVER_ONLY); here for the exhaustive switch.
			return SERVER_ONLY.feedHealth;
		default:
			return exhaustive(target);
	}
}

/**
 * What entries added to one nested list in one change must not do together (each is judged on
 * its own by whyNot). An update changes a task's status once, so one progress update records
 * the move.
 */
export function whyNotAddEntries(list: NestedListTarget, entries: readonly unknown[]): string | null {
	switch (list) {
		case 'taskUpdates': {
			let moves = 0;
			for (const entry of entries) {
				if ((entry as Partial<TaskUpdate>).status !== undefined && ++moves > 1)
					return 'this change records the same status move twice; one progress update records it';
			}
			return null;
		}
	}
}

/** Whether the actor may do `action` on `target`. */
export function can(actor: Actor, action: Action, target: Target, orgs: OrgDirectory): boolean {
	return whyNot(actor, action, target, orgs) === null;
}

export function isTaskStatus(v: unknown): v is TaskStatus {
	return typeof v === 'string' && (TASK_STATUSES as readonly string[]).includes(v);
}

function singular(collection: EntityCollection): string {
	return INCIDENT_SCHEMA[collection].noun;
}

type EntityTarget = Extract<Target, { entity: EntityFacts }>;

function isEntityTarget(target: Target): target is EntityTarget {
	return isEntityCollection(target.collection);
}

function exhaustive(x: never): never {
	throw new Error(`unexpected policy target ${JSON.stringify(x)}`);
}
