/**
 * The in-memory organisation directory (what the guard's synchronous checks read) holds what the
 * organisation repository stores: at load, after every write made through it, and after a reload
 * for what another node wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
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
});
