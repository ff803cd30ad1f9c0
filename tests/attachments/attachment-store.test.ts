/**
 * The SQLite and PostgreSQL attachment repositories pass the AttachmentRepository contract, and the folder store
 * keeps bytes by key: written whole, read back, replaced, deleted, and only for keys that are ids.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderAttachmentFiles } from '../../server/attachments/folder-files.ts';
import { PgAttachmentRepository } from '../../server/attachments/postgres/attachment-repository.ts';
import { attachmentPgMigrations } from '../../server/attachments/postgres/schema.ts';
import { SqliteAttachmentRepository } from '../../server/attachments/sqlite/attachment-repository.ts';
import { attachmentMigrations } from '../../server/attachments/sqlite/schema.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { describePostgres, emptiedSchemaPerCase } from '../helpers/postgres.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeAttachmentRepositoryContract } from './attachment-repository-contract.ts';

describeAttachmentRepositoryContract('SqliteAttachmentRepository', async () => {
	const dir = tempDataDir('sitroom-attachments-');
	const db = openDatabase({ file: path.join(dir, 'sitroom.db'), migrations: attachmentMigrations });
	return {
		repo: new SqliteAttachmentRepository(db),
		async dispose() {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
});

describe('FolderAttachmentFiles', () => {
	let dir = '';
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('stores, replaces and deletes bytes by key, leaving no temporary file behind', async () => {
		dir = tempDataDir('sitroom-files-');
		const files = new FolderAttachmentFiles(path.join(dir, 'attachments'));
		const key = 'photo-00000000-0000-4000-8000-000000000001';
		expect(await files.get(key)).toBeNull();
		await files.put(key, new Uint8Array([1, 2, 3]));
		expect(await files.get(key)).toEqual(new Uint8Array([1, 2, 3]));
		await files.put(key, new Uint8Array([4]));
		expect(await files.get(key)).toEqual(new Uint8Array([4]));
		expect(fs.readdirSync(path.join(dir, 'attachments', '01'))).toEqual([key]);
		await files.delete(key);
		expect(await files.get(key)).toBeNull();
	});

	it('refuses a key that could leave its folder', async () => {
		dir = tempDataDir('sitroom-files-');
		const files = new FolderAttachmentFiles(path.join(dir, 'attachments'));
		await expect(files.put('../../etc/passwd', new Uint8Array([1]))).rejects.toThrow(/not an attachment key/);
		await expect(files.get('a/b')).rejects.toThrow(/not an attachment key/);
	});
});

describePostgres('PostgreSQL', () => {
	const fresh = emptiedSchemaPerCase(attachmentPgMigrations);
	describeAttachmentRepositoryContract('PgAttachmentRepository', async () => {
		const { pool, dispose } = await fresh();
		return { repo: new PgAttachmentRepository(pool), dispose };
	});
});
