/**
 * What the organisation administration page computes from the flat tree: the rows to draw with
 * their depth, which organisations may be a parent (the server checks the same and refuses with
 * named reasons), the server's refusals placed at the form field they concern, and one sentence
 * per recorded change.
 */
import { ApiError } from '$lib/domain/api/errors';
import type { FlatOrganisation, OrganisationChangeEntry } from '$lib/domain/api/organisations';
import type { Translate } from '$lib/i18n';

export interface OrgRow {
	org: FlatOrganisation;
	depth: number;
}

/**
 * The tree's rows in the server's depth-first order, with their depth; villages only when asked
 * (a township has dozens), deactivated organisations only when asked.
 */
export function orgRows(
	orgs: readonly FlatOrganisation[],
	show: { villages: boolean; inactive: boolean }
): OrgRow[] {
	const byId = new Map(orgs.map((o) => [o.id, o]));
	const depth = (o: FlatOrganisation): number => {
		let d = 0;
		for (let p = o.parentId; p && d < 32; p = byId.get(p)?.parentId ?? null) d++;
		return d;
	};
	return orgs
		.filter((o) => (show.villages || o.kind !== 'village') && (show.inactive || o.active))
		.map((o) => ({ org: o, depth: depth(o) }));
}

/** Whether `id` is `ancestorId` or below it. */
function isWithin(byId: ReadonlyMap<string, FlatOrganisation>, id: string, ancestorId: string): boolean {
	for (let o = byId.get(id); o; o = o.parentId ? byId.get(o.parentId) : undefined) {
		if (o.id === ancestorId) return true;
	}
	return false;
}

/** The organisations `moving` (or a new one, null) may be placed under: active, not villages, not below itself. */
export function parentChoices(orgs: readonly FlatOrganisation[], moving: string | null): OrgRow[] {
	const byId = new Map(orgs.map((o) => [o.id, o]));
	return orgRows(orgs, { villages: false, inactive: false }).filter(
		(r) => moving === null || !isWithin(byId, r.org.id, moving)
	);
}

export type OrgField = 'name' | 'kind' | 'parentId';

/** A refusal placed at the field it concerns, in the user's language; other errors go to the form. */
export function orgFieldError(t: Translate, err: unknown): { field: OrgField; message: string } | null {
	if (!(err instanceof ApiError)) return null;
	switch (err.code) {
		case 'duplicate-organisation-name':
			return { field: 'name', message: t('apiError.duplicate-organisation-name') };
		case 'unknown-parent':
			return { field: 'parentId', message: t('apiError.unknown-parent') };
		case 'organisation-cycle':
			return { field: 'parentId', message: t('apiError.organisation-cycle') };
		case 'bad-organisation-kind':
			return { field: 'kind', message: t('apiError.bad-organisation-kind') };
		case 'invalid-request': {
			const issue = err.issues.find((i) => i.path === 'name');
			return issue ? { field: 'name', message: t('admin.orgs.invalid.name') } : null;
		}
		default:
			return null;
	}
}

/** One recorded change as a sentence: what happened to which organisation. */
export function describeChange(
	t: Translate,
	c: OrganisationChangeEntry,
	nameOf: (id: string | null) => string
): string {
	const name = c.after.name;
	if (c.before === null) return t('admin.orgs.change.created', { name, parent: nameOf(c.after.parentId) });
	const parts: string[] = [];
	if (c.fields.includes('name')) parts.push(t('admin.orgs.change.renamed', { from: c.before.name, name }));
	if (c.fields.includes('parentId'))
		parts.push(t('admin.orgs.change.moved', { name, parent: nameOf(c.after.parentId) }));
	if (c.fields.includes('active'))
		parts.push(
			t(c.after.active ? 'admin.orgs.change.reactivated' : 'admin.orgs.change.deactivated', { name })
		);
	if (parts.length === 0 && c.fields.includes('township'))
		parts.push(t('admin.orgs.change.township', { name }));
	return parts.join('；');
}
