/**
 * Who may change which register row, asked by the server before every write and by the pages to
 * offer the edit controls: the command centre (commanders) changes every row; a township officer
 * the rows of their own township; an agency the rows its organisation, or a team directly under
 * it, owns; field members, viewers and administrators read.
 */
import type { Actor, OrgDirectory } from './actor.ts';

export type RegisterEditRefusal = 'register-read-only' | 'not-your-township' | 'not-your-organisation';

export interface RowScope {
	township: string | null;
	ownerOrgId: string | null;
}

export function whyNotEditRegisterRow(
	actor: Actor,
	row: RowScope,
	orgs: OrgDirectory
): RegisterEditRefusal | null {
	switch (actor.role) {
		case 'commander':
			return null;
		case 'township':
			return actor.township !== null && row.township === actor.township ? null : 'not-your-township';
		case 'agency': {
			if (row.ownerOrgId === null) return 'not-your-organisation';
			if (row.ownerOrgId === actor.orgId) return null;
			return orgs.get(row.ownerOrgId)?.parentId === actor.orgId ? null : 'not-your-organisation';
		}
		default:
			return 'register-read-only';
	}
}

/** Whether the role may change any row at all (the pages hide "new" and "import" otherwise). */
export function mayEditRegisters(actor: Pick<Actor, 'role'>): boolean {
	return actor.role === 'commander' || actor.role === 'township' || actor.role === 'agency';
}
