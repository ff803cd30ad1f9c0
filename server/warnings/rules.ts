/**
 * Who may do what with warnings (the server's rules; the UI asks the same questions over REST):
 * a commander issues any warning or order; an agency issues in its own fields
 * (jurisdiction/<county>/warning-fields.json); the issuing organisation's staff update and
 * cancel; a target organisation's staff acknowledge; the command centre, the issuer and the
 * targets read.
 */
import type { Actor, OrgDirectory } from '#domain/actor';
import { ApiError } from '#domain/api/errors';
import { WARNING_EVENTS, type WarningEvent, type WarningField } from '#domain/warnings';

/** Which fields each agency (organisation id) issues in. */
export type WarningFields = ReadonlyMap<string, readonly WarningField[]>;

const ISSUING_ROLES = new Set(['commander', 'agency']);

export function inCommandCentre(actor: Actor, orgs: OrgDirectory): boolean {
	return orgs.get(actor.orgId)?.kind === 'command_centre';
}

export function assertMayIssue(actor: Actor, event: WarningEvent, fields: WarningFields): void {
	if (!ISSUING_ROLES.has(actor.role))
		throw new ApiError(403, 'not-an-issuer', 'only a commander or an agency issues warnings and orders');
	if (actor.role === 'commander') return;
	const field = WARNING_EVENTS[event];
	if (!(fields.get(actor.orgId) ?? []).includes(field))
		throw new ApiError(
			403,
			'outside-agency-field',
			`this agency issues in ${(fields.get(actor.orgId) ?? []).join(', ') || 'no field'}, not ${field}`
		);
}

export function assertIssuerStaff(actor: Actor, issuerOrgId: string): void {
	if (!ISSUING_ROLES.has(actor.role) || actor.orgId !== issuerOrgId)
		throw new ApiError(403, 'not-the-issuer', 'only the issuing organisation updates or cancels a warning');
}

export function mayRead(
	actor: Actor,
	orgs: OrgDirectory,
	w: { issuerOrgId: string; targets: readonly { orgId: string }[] }
): boolean {
	return (
		inCommandCentre(actor, orgs) ||
		actor.orgId === w.issuerOrgId ||
		w.targets.some((t) => t.orgId === actor.orgId)
	);
}
