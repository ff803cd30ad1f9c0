/**
 * How a member stands to an entity: owner, creator, assignee. The relations the schema's edit
 * rules name (schema.ts Relation) and the policy's own rules ask about.
 */
import type { Actor, OrgDirectory } from '../actor.ts';
import type { EntityFacts } from '../policy.ts';
import type { Relation } from '../schema.ts';

export function ownsEntity(actor: Actor, e: EntityFacts): boolean {
	return e.ownerOrgId === actor.orgId;
}

export function createdEntity(actor: Actor, e: EntityFacts): boolean {
	return e.createdBy === actor.userId;
}

/**
 * Whether `orgId` is one of the actor's teams: for an agency, its own organisation and the
 * organisations directly under it; for a township, any organisation in its township.
 */
export function isOwnTeam(actor: Actor, orgId: unknown, orgs: OrgDirectory): boolean {
	if (typeof orgId !== 'string') return false;
	if (orgId === actor.orgId) return true;
	const org = orgs.get(orgId);
	if (!org) return false;
	if (actor.role === 'agency') return org.parentId === actor.orgId;
	if (actor.role === 'township') return actor.township !== null && org.township === actor.township;
	return false;
}

/** Whether the actor is on the receiving end of a task (works it and reports on it). */
export function worksOnTask(actor: Actor, task: EntityFacts, orgs: OrgDirectory): boolean {
	if (actor.role === 'field') return task.assigneeOrgId === actor.orgId;
	if (actor.role === 'agency' || actor.role === 'township') return isOwnTeam(actor, task.assigneeOrgId, orgs);
	return false;
}

/** Whether the actor stands to the entity as `relation` says. */
export function holds(relation: Relation, actor: Actor, e: EntityFacts, orgs: OrgDirectory): boolean {
	switch (relation) {
		case 'any':
			return true;
		case 'ownOrg':
			return ownsEntity(actor, e);
		case 'creator':
			return createdEntity(actor, e);
		case 'assigned':
			return worksOnTask(actor, e, orgs);
	}
}
