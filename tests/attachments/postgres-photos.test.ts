/**
 * Photos on a server on PostgreSQL (DATABASE_URL): a photo's record is written to PostgreSQL's
 * `attachments` table, not to the SQLite side file (sitroom-features.db), and the records an older
 * version kept in that side file move into PostgreSQL at start, once. Position tracks are there too.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { SqliteAttachmentRepository } from '../../server/attachments/sqlite/attachment-repository.ts';
import { attachmentMigrations } from '../../server/attachments/sqlite/schema.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { JPEG } from '../helpers/photos.ts';
import { describePostgres, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const INCIDENT = 'inc-demo-jialing';
const TASK = 'task-road-g108';
const OLD_PHOTO = 'photo-00000000-0000-4000-8000-00000000a001';
const NEW_PHOTO = 'photo-00000000-0000-4000-8000-00000000a002';

describePostgres('photos on PostgreSQL', () => {
	const schema = freshSchemaName();
	let server: TestServer | null = null;
	afterAll(async () => {
		await server?.dispose();
		await dropSchema(schema);
	});

	async function rows(): Promise<Array<{ id: string; uploaded_by: string }>> {
		const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
		await client.connect();
		try {
			return (await client.query(`SELECT id, uploaded_by FROM "${schema}".attachments ORDER BY id`)).rows;
		} finally {
			await client.end();
		}
	}

	it('writes photo records to PostgreSQL and moves those of an older side file there', async () => {
		const dataDir = tempDataDir('sitroom-pg-photos-');
		// What an older version left: a record in sitroom-features.db.
		const side = openDatabase({
			file: path.join(dataDir, 'sitroom-features.db'),
			migrations: attachmentMigrations
		});
		await new SqliteAttachmentRepository(side).add({
			id: OLD_PHOTO,
			incidentId: INCIDENT,
			target: { kind: 'task', id: TASK },
			contentType: 'image/jpeg',
			bytes: JPEG.length,
			uploadedBy: 'u-someone',
			orgId: 'org-x',
			uploadedAt: Date.parse('2026-07-12T03:00:00Z'),
			keptLocation: false
		});
		side.close();

		server = await startTestServer(
			{ DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, SITROOM_DEMO: '1' },
			{ dataDir }
		);
		expect(await rows()).toEqual([{ id: OLD_PHOTO, uploaded_by: 'u-someone' }]);

		const field1 = await server.login('field1');
		const res = await fetch(`${server.url}/api/incidents/${INCIDENT}/photos/${NEW_PHOTO}?task=${TASK}`, {
			method: 'PUT',
			headers: { ...field1.headers, 'content-type': 'image/jpeg' },
			body: Buffer.from(JPEG)
		});
		expect(res.status).toBe(201);
		const field1Id = (await server.identity.users.byUsername('field1'))!.id;
		expect(await rows()).toEqual([
			{ id: OLD_PHOTO, uploaded_by: 'u-someone' },
			{ id: NEW_PHOTO, uploaded_by: field1Id }
		]);
		// Served from the record in PostgreSQL.
		const served = await fetch(`${server.url}/api/incidents/${INCIDENT}/photos/${NEW_PHOTO}`, {
			headers: { cookie: field1.cookie }
		});
		expect(served.status).toBe(200);
		// The side file got nothing new.
		const after = openDatabase({ file: path.join(dataDir, 'sitroom-features.db'), migrations: [] });
		expect(after.prepare('SELECT id FROM attachments').all()).toEqual([{ id: OLD_PHOTO }]);
		after.close();
	}, 60_000);

	it('keeps position tracks in PostgreSQL too', async () => {
		const field2 = await server!.login('field2');
		const res = await fetch(`${server!.url}/api/incidents/${INCIDENT}/positions`, {
			method: 'POST',
			headers: field2.headers,
			body: JSON.stringify({ fixes: [{ at: Date.now() - 60_000, lonLat: [105.9, 32.6] }] })
		});
		expect(await res.json()).toEqual({ stored: 1, duplicates: 0, refused: [] });
		const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
		await client.connect();
		try {
			const fixes = await client.query(`SELECT lon, lat FROM "${schema}".position_fixes`);
			expect(fixes.rows).toEqual([{ lon: 105.9, lat: 32.6 }]);
		} finally {
			await client.end();
		}
	});
});
