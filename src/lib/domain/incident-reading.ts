/**
 * Who reads which incident: the rule the server applies at every realtime join and on every REST
 * route taking an incident id, and the incident list states. Everyone in the district reads every
 * incident, except viewers (leaders' screens) outside the command centre: a city leader, a
 * department head, a team's viewer read only what a commander shared with them.
 *
 * A viewer of the command centre (its organisation is of kind `command_centre`) is a district
 * leader: they watch every incident the district works, with no one having to think of sharing
 * it. Closed incidents stay readable for them too: the after-action review (复盘) is chaired by
 * the district's leaders; a wall screen left open when the commander closes the incident keeps
 * showing it, marked closed, instead of turning into "not found" mid-meeting; and every other
 * member of the district, field teams included, reads closed incidents. Their list shows the
 * active ones first, as everyone's does.
 */
import type { Actor, OrgDirectory } from './actor.ts';

/** Whether the user reads every incident of the district; false: only those shared with them. */
export function readsEveryIncident(who: Pick<Actor, 'role' | 'orgId'>, orgs: OrgDirectory): boolean {
	if (who.role !== 'viewer') return true;
	return orgs.get(who.orgId)?.kind === 'command_centre';
}
