/**
 * What the commander's incident form and the organisation administration page work out before
 * anything is sent: an incident edit writes only the fields that changed (so the record names only
 * those), the form keeps the guard's rules, and a move is offered only parents the server accepts.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/domain/api/errors.ts';
import type { FlatOrganisation } from '../../src/lib/domain/api/organisations.ts';
import { IncidentDoc, type IncidentMeta } from '../../src/lib/domain/incident-doc.ts';
import { translate } from '../../src/lib/i18n/index.ts';
import { editIncident, whyNotIncidentDetails } from '../../src/lib/state/room-actions.ts';
import { orgFieldError, parentChoices } from '../../src/routes/(app)/admin/organisations/org-admin.ts';

const META: IncidentMeta = {
	id: 'inc-a',
	name: '羊木镇山火',
	type: 'forest_fire',
	severity: 'general',
	level: 'IV',
	status: 'active',
	townships: ['510812102'],
	location: null,
	occurredAt: '2026-03-02T14:20:00+08:00'
};

describe('the incident form', () => {
	it('writes only the fields that changed, in one transaction', () => {
		const doc = new IncidentDoc(new Y.Doc());
		doc.setMeta(META);
		const changed: string[][] = [];
		doc.meta.observe((e) => changed.push([...e.keysChanged].sort()));
		editIncident(doc, META, {
			name: '羊木镇山火',
			type: 'forest_fire',
			severity: 'large',
			townships: ['510812102', '510812100']
		});
		expect(changed).toEqual([['severity', 'townships']]);
		expect(doc.readMeta()).toMatchObject({ severity: 'large', townships: ['510812102', '510812100'] });
		editIncident(doc, doc.readMeta(), {
			name: ' 羊木镇山火 ',
			type: 'forest_fire',
			severity: 'large',
			townships: ['510812102', '510812100']
		});
		expect(changed).toHaveLength(1);
	});

	it('keeps the guard’s rules: a name, and at least one township', () => {
		const ok = { name: '山火', type: 'forest_fire', severity: 'general', townships: ['510812102'] } as const;
		expect(whyNotIncidentDetails({ ...ok, townships: [...ok.townships] })).toBeNull();
		expect(whyNotIncidentDetails({ ...ok, name: '  ', townships: [...ok.townships] })).toBe('nameRequired');
		expect(whyNotIncidentDetails({ ...ok, townships: [] })).toBe('townshipsRequired');
	});
});

const org = (
	id: string,
	parentId: string | null,
	kind: FlatOrganisation['kind'] = 'team',
	active = true
): FlatOrganisation => ({
	id,
	name: id,
	kind,
	parentId,
	township: null,
	code: null,
	active
});

describe('the organisation administration page', () => {
	const orgs = [
		org('centre', null, 'command_centre'),
		org('water', 'centre', 'department'),
		org('water-team', 'water'),
		org('twp', 'centre', 'township'),
		org('village', 'twp', 'village'),
		org('closed', 'centre', 'department', false)
	];

	it('offers as a parent no village, no deactivated organisation, and nothing at or below the one moved', () => {
		expect(parentChoices(orgs, 'water').map((r) => r.org.id)).toEqual(['centre', 'twp']);
		expect(parentChoices(orgs, null).map((r) => [r.org.id, r.depth])).toEqual([
			['centre', 0],
			['water', 1],
			['water-team', 2],
			['twp', 1]
		]);
	});

	it('shows the server’s refusals at the field they concern, in the user’s language', () => {
		// The default language, zh-CN.
		const t = translate;
		expect(orgFieldError(t, new ApiError(409, 'duplicate-organisation-name', 'x'))).toEqual({
			field: 'name',
			message: '同一上级单位下已有同名单位，请换一个名称'
		});
		expect(orgFieldError(t, new ApiError(409, 'organisation-cycle', 'x'))?.field).toBe('parentId');
		expect(orgFieldError(t, new ApiError(400, 'bad-organisation-kind', 'x'))?.field).toBe('kind');
		expect(orgFieldError(t, new ApiError(409, 'organisation-in-use', 'x'))).toBeNull();
	});
});
