/**
 * What administrators may change in the organisation tree, worked out on the table as it stands:
 * the rows a new organisation or a change writes (a moved organisation's township follows its new
 * parent, and so do its descendants'), or a named refusal. Pure: the service
 * (organisation-admin.ts) supplies the table and how many active people each organisation has.
 *
 * Rules, each with its refusal code:
 * - a new organisation is a department or a team (`bad-organisation-kind`): the command centre is
 *   the root, township platforms and villages follow the official divisions (the seed);
 * - a parent is an active organisation that is not a village (`unknown-parent`);
 * - no two active organisations under one parent share a name, whatever the case and spacing
 *   (`duplicate-organisation-name`): people pick them by name;
 * - nothing moves under itself or its descendants, and the root does not move
 *   (`organisation-cycle`); township platforms and villages stay where the divisions put them
 *   (`bad-organisation-kind`);
 * - an organisation with active users or active organisations under it is not deactivated until
 *   they are moved or deactivated (`organisation-in-use`);
 * - an unknown id is `organisation-not-found`.
 */
import { randomBytes } from 'node:crypto';
import {
	CREATABLE_ORG_KINDS,
	type NewOrganisation,
	type OrganisationChanges
} from '#domain/api/organisations';
import type { OrgKind } from '#domain/vocabulary';
import { stateOf, type OrganisationChange, type StoredOrg } from './organisations.ts';

export type OrganisationRefusalCode =
	| 'bad-organisation-kind'
	| 'unknown-parent'
	| 'duplicate-organisation-name'
	| 'organisation-cycle'
	| 'organisation-in-use'
	| 'organisation-not-found';

export class OrganisationRefusal extends Error {
	override readonly name = 'OrganisationRefusal';
	constructor(
		readonly code: OrganisationRefusalCode,
		message: string
	) {
		super(message);
	}
}

type Table = ReadonlyMap<string, StoredOrg>;

export interface PlannedChange {
	rows: StoredOrg[];
	changes: OrganisationChange[];
	/** The organisation asked about, as it will stand. */
	organisation: StoredOrg;
	/** Organisations whose township changes (their members' sessions carry the old one). */
	townshipChanged: string[];
}

/** `org-` and 10 random base-32 characters, as incident ids are made. */
export function newOrganisationId(): string {
	const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
	let s = 'org-';
	for (const b of randomBytes(10)) s += alphabet[b % alphabet.length];
	return s;
}

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** The planned rows for a new department or team under `input.parentId`. */
export function planNewOrganisation(
	table: Table,
	input: NewOrganisation,
	by: { userId: string; at: number },
	id: string = newOrganisationId()
): PlannedChange {
	if (!(CREATABLE_ORG_KINDS as readonly string[]).includes(input.kind)) {
		throw new OrganisationRefusal(
			'bad-organisation-kind',
			`administrators create ${CREATABLE_ORG_KINDS.join(' or ')} organisations, not "${input.kind}"; the command centre, township platforms and villages come from the jurisdiction's seed`
		);
	}
	const parent = requireParent(table, input.parentId);
	const name = input.name.trim();
	refuseDuplicateName(table, parent.id, name, null);
	const org: StoredOrg = {
		id,
		name,
		kind: input.kind as OrgKind,
		parentId: parent.id,
		township: parent.township,
		code: null,
		sort: nextSort(table),
		active: true
	};
	return {
		rows: [org],
		changes: [{ orgId: id, at: by.at, byUserId: by.userId, before: null, after: stateOf(org) }],
		organisation: org,
		townshipChanged: []
	};
}

/**
 * The planned rows for renaming, moving, deactivating or reactivating `id`. `activeUsersOf`
 * counts the active users of an organisation (asked only when deactivating).
 */
export function planOrganisationChange(
	table: Table,
	id: string,
	changes: OrganisationChanges,
	by: { userId: string; at: number },
	activeUsersOf: (orgId: string) => number
): PlannedChange {
	const before = table.get(id);
	if (!before) throw new OrganisationRefusal('organisation-not-found', `no organisation "${id}"`);
	const after: StoredOrg = { ...before };
	if (changes.name !== undefined) after.name = changes.name.trim();
	if (changes.active !== undefined) after.active = changes.active;

	if (changes.parentId !== undefined && changes.parentId !== before.parentId) {
		if (before.parentId === null) {
			throw new OrganisationRefusal('organisation-cycle', 'the root of the tree does not move');
		}
		if (before.kind === 'township' || before.kind === 'village') {
			throw new OrganisationRefusal(
				'bad-organisation-kind',
				'township platforms and villages stay where the official divisions put them'
			);
		}
		const parent = requireParent(table, changes.parentId);
		if (isWithin(table, parent.id, id)) {
			throw new OrganisationRefusal(
				'organisation-cycle',
				`"${parent.name}" is "${before.name}" or under it; an organisation cannot move under itself`
			);
		}
		after.parentId = parent.id;
		after.township = parent.township;
	}

	if (after.active) {
		// A reactivated organisation returns under an active parent, beside differently named ones.
		if (!before.active && after.parentId !== null) requireParent(table, after.parentId);
		if (
			after.parentId !== null &&
			(!before.active || after.parentId !== before.parentId || after.name !== before.name)
		)
			refuseDuplicateName(table, after.parentId, after.name, id);
	} else if (before.active) {
		const users = activeUsersOf(id);
		const children = [...table.values()].filter((o) => o.parentId === id && o.active).length;
		if (users > 0 || children > 0) {
			throw new OrganisationRefusal(
				'organisation-in-use',
				`"${before.name}" still has ${users} active user(s) and ${children} active organisation(s) under it; move or deactivate them first`
			);
		}
	}

	const rows: StoredOrg[] = [after];
	const recorded: OrganisationChange[] = [];
	const townshipChanged: string[] = [];
	const record = (b: StoredOrg, a: StoredOrg) => {
		if (JSON.stringify(stateOf(b)) !== JSON.stringify(stateOf(a)))
			recorded.push({ orgId: a.id, at: by.at, byUserId: by.userId, before: stateOf(b), after: stateOf(a) });
		if (a.township !== b.township) townshipChanged.push(a.id);
	};
	record(before, after);
	if (after.township !== before.township) {
		// Teams and departments below follow; a township platform below keeps its own township.
		for (const [descendant, township] of descendantTownships(table, id, after.township)) {
			const moved = { ...descendant, township };
			rows.push(moved);
			record(descendant, moved);
		}
	}
	if (recorded.length === 0) return { rows: [], changes: [], organisation: before, townshipChanged: [] };
	return { rows, changes: recorded, organisation: after, townshipChanged };
}

function requireParent(table: Table, parentId: string): StoredOrg {
	const parent = table.get(parentId);
	if (!parent || !parent.active) {
		throw new OrganisationRefusal('unknown-parent', `no active organisation "${parentId}" to be under`);
	}
	if (parent.kind === 'village') {
		throw new OrganisationRefusal(
			'unknown-parent',
			`"${parent.name}" is a village, a place: no organisation is under it`
		);
	}
	return parent;
}

function refuseDuplicateName(table: Table, parentId: string, name: string, self: string | null): void {
	for (const o of table.values()) {
		if (o.id !== self && o.active && o.parentId === parentId && sameName(o.name, name)) {
			throw new OrganisationRefusal(
				'duplicate-organisation-name',
				`"${table.get(parentId)?.name ?? parentId}" already has an organisation named "${o.name}"`
			);
		}
	}
}

function isWithin(table: Table, orgId: string, ancestorId: string): boolean {
	const seen = new Set<string>();
	for (let o = table.get(orgId); o && !seen.has(o.id); o = o.parentId ? table.get(o.parentId) : undefined) {
		if (o.id === ancestorId) return true;
		seen.add(o.id);
	}
	return false;
}

/** The descendants of `id` whose township follows it (not through township platforms), parents first. */
function descendantTownships(
	table: Table,
	id: string,
	township: string | null
): Array<[StoredOrg, string | null]> {
	const out: Array<[StoredOrg, string | null]> = [];
	const walk = (parentId: string) => {
		for (const child of table.values()) {
			if (child.parentId !== parentId || child.kind === 'township') continue;
			if (child.township !== township) out.push([child, township]);
			walk(child.id);
		}
	};
	walk(id);
	return out;
}

function nextSort(table: Table): number {
	let max = -1;
	for (const o of table.values()) max = Math.max(max, o.sort);
	return max + 1;
}
