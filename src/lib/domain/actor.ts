/**
 * Who is acting, as the permission policy sees it, and the organisation facts it needs.
 * The server builds an Actor from the authenticated session; the UI from the same session
 * payload, so both ask the policy the same question.
 */
import type { OrgKind, Role } from './vocabulary.ts';

export interface Actor {
	userId: string;
	role: Role;
	/** The organisation the user belongs to. */
	orgId: string;
	/** Township code (9 digits, e.g. "510812100") the user's organisation belongs to, if any. */
	township: string | null;
}

/** One node of the organisation tree. */
export interface OrgInfo {
	id: string;
	name: string;
	kind: OrgKind;
	parentId: string | null;
	/** The township this organisation belongs to (a township org, its teams and villages). */
	township: string | null;
}

/** Looks organisations up by id; the server backs it with the organisation table. */
export interface OrgDirectory {
	get(orgId: string): OrgInfo | undefined;
}
