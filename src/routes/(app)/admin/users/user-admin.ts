/**
 * What the user administration page computes from the user list and the organisation tree:
 * the filtered list, the organisation picker's indented order, and the server's field issues
 * turned into one translated message per form field.
 */
import type { ApiIssue } from '$lib/domain/api/errors';
import type { UserAccount } from '$lib/domain/api/users';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '$lib/domain/credentials';
import type { OrgInfo } from '$lib/domain/actor';
import type { Role } from '$lib/domain/vocabulary';
import type { Translate } from '$lib/i18n';

export interface UserFilter {
	search: string;
	role: Role | null;
	/** true: active only, false: deactivated only, null: both. */
	active: boolean | null;
}

export const DEFAULT_USER_FILTER: UserFilter = { search: '', role: null, active: null };

export function filterUsers(users: UserAccount[], f: UserFilter): UserAccount[] {
	const q = f.search.trim().toLowerCase();
	return users
		.filter(
			(u) =>
				(f.role === null || u.role === f.role) &&
				(f.active === null || u.active === f.active) &&
				(!q || [u.username, u.displayName, u.orgName].some((s) => s.toLowerCase().includes(q)))
		)
		.sort((a, b) => Number(b.active) - Number(a.active) || a.username.localeCompare(b.username));
}

export interface OrgOption {
	id: string;
	name: string;
	depth: number;
}

/**
 * The organisations a person can belong to, in tree order (the server lists the tree depth
 * first) with their depth. Villages are places, not organisations that staff belong to.
 */
export function orgOptions(orgs: OrgInfo[]): OrgOption[] {
	const byId = new Map(orgs.map((o) => [o.id, o]));
	const depth = (o: OrgInfo): number => {
		let d = 0;
		for (let p = o.parentId; p && d < 16; p = byId.get(p)?.parentId ?? null) d++;
		return d;
	};
	return orgs.filter((o) => o.kind !== 'village').map((o) => ({ id: o.id, name: o.name, depth: depth(o) }));
}

/** The form fields the server names in `issues[].path` of an invalid-request answer. */
export const USER_FIELDS = ['username', 'displayName', 'orgId', 'role', 'password'] as const;
export type UserField = (typeof USER_FIELDS)[number];
export type FieldErrors = Partial<Record<UserField, string>>;

/**
 * One message per field named in the server's issues, in the user's language (the server's
 * own messages are English). Issues on other paths are left to the general error line.
 */
export function fieldErrors(t: Translate, issues: readonly ApiIssue[]): FieldErrors {
	const out: FieldErrors = {};
	for (const issue of issues) {
		const field = issue.path.split('.')[0] ?? '';
		if (!(USER_FIELDS as readonly string[]).includes(field)) continue;
		const f = field as UserField;
		out[f] =
			f === 'password'
				? t('admin.users.invalid.password', { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH })
				: t(`admin.users.invalid.${f}`);
	}
	return out;
}
