/**
 * The in-memory organisation directory (what the guard's synchronous checks read) holds what the
 * organisation repository stores: at load, after every write made through it, and after a reload
 * for what another node wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OrganisationRefusal, planNewOrganisation } from '../../server/identity/organisation-changes.ts';
import { OrganisationDirectory } from '../../server/identity/organisations.ts';
import { SqliteOrganisationRepository } from '../../server/identity/sqlite/organisations.ts';
import { identityMigrations } from '../../server/identity/sqlite/schema.ts';
import { openDatabase, type SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { CENTRE, TOWNSHIP } from './identity-repositories.ts';

describe('the organisation directory', () => {
	let db: SqliteDatabase | undefined;
	afterEach(() => {
		db?.close();
		db = undefined;
	});
	const repository = (): SqliteOrganisationRepository => {
		db ??= openDatabase({ file: ':memory:', migrations: identityMigrations });
		return new SqliteOrganisationRepository(db);
	};

	it('holds what is stored when it loads, and what is stored through it', async () => {
		const repo = repository();
		await repo.upsertAll([CENTRE]);
		const orgs = await OrganisationDirectory.load(repo);
		expect(orgs.get(CENTRE.id)?.name).toBe(CENTRE.name);
		expect(orgs.has(TOWNSHIP.id)).toBe(false);
		await orgs.upsertAll([TOWNSHIP]);
		expect(orgs.get(TOWNSHIP.id)).toEqual({
			id: TOWNSHIP.id,
			name: TOWNSHIP.name,
			kind: 'township',
			parentId: CENTRE.id,
			township: '510812100'
		});
		expect(orgs.isWithin(TOWNSHIP.id, CENTRE.id)).toBe(true);
		expect(orgs.size).toBe(2);
	});

	it('learns of what another node stored once it reloads', async () => {
		const orgs = await OrganisationDirectory.load(repository());
		await orgs.upsertAll([CENTRE]);
		// Another node writes the same table.
		await repository().upsertAll([{ ...CENTRE, name: '朝天区应急管理局' }, TOWNSHIP]);
		expect(orgs.get(CENTRE.id)?.name).toBe(CENTRE.name);
		expect(orgs.canHoldUsers(TOWNSHIP.id)).toBe(false);
		await orgs.reload();
		expect(orgs.get(CENTRE.id)?.name).toBe('朝天区应急管理局');
		expect(orgs.canHoldUsers(TOWNSHIP.id)).toBe(true);
	});

	it('hides a deactivated organisation from the policy and from new members, and keeps its name', async () => {
		const orgs = await OrganisationDirectory.load(repository());
		await orgs.upsertAll([CENTRE, TOWNSHIP]);
		await orgs.change((table) => {
			const closed = { ...table.get(TOWNSHIP.id)!, active: false };
			return { rows: [closed], changes: [], result: null };
		});
		expect(orgs.get(TOWNSHIP.id)).toBeUndefined();
		expect(orgs.has(TOWNSHIP.id)).toBe(false);
		expect(orgs.canHoldUsers(TOWNSHIP.id)).toBe(false);
		expect(orgs.nameOf(TOWNSHIP.id)).toBe(TOWNSHIP.name);
		expect(orgs.tree()[0]!.children[0]).toMatchObject({ id: TOWNSHIP.id, active: false });
	});

	it('makes changes one at a time, each on the table the one before left', async () => {
		const orgs = await OrganisationDirectory.load(repository());
		await orgs.upsertAll([CENTRE]);
		const by = { userId: 'u-admin', at: 1_000 };
		const add = () =>
			orgs.change((table) => {
				const p = planNewOrganisation(table, { name: '区专业救援队', kind: 'team', parentId: CENTRE.id }, by);
				return { rows: p.rows, changes: p.changes, result: p.organisation.id };
			});
		// Two administrators submit the same new team at once: the second sees the first.
		const [first, second] = await Promise.allSettled([add(), add()]);
		expect(first.status).toBe('fulfilled');
		expect(second.status).toBe('rejected');
		expect((second as PromiseRejectedResult).reason).toBeInstanceOf(OrganisationRefusal);
		expect(orgs.size).toBe(2);
	});
});
