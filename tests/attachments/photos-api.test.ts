/**
 * Photo uploads over REST against a real server (the demo incident): a field member's photo of
 * their team's task is stored without its GPS block and served to members; the refusals are
 * named: wrong type by content, too large, damaged, not logged in, a role that writes nothing,
 * a task the user may not touch, a report that is someone else's, an id taken by another photo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '../../src/lib/domain/api/photos.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import type { TestSession } from '../helpers/auth.ts';
import { hasLocationMetadata, JPEG, jpegWithGps, PNG } from '../helpers/photos.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const INCIDENT = 'inc-demo-jialing';
/** Assigned to field1's team (朝天镇应急分队) in the demo scenario. */
const OWN_TASK = 'task-road-g108';
/** Assigned to field2's team (大滩镇). */
const OTHER_TASK = 'task-datan-inspect';

let n = 0;
const newPhotoId = () => `photo-00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

let server: TestServer;
let field1: TestSession;
let field2: TestSession;
let commander: TestSession;

beforeAll(async () => {
	server = await startTestServer();
	[field1, field2, commander] = await Promise.all([
		server.login('field1'),
		server.login('field2'),
		server.login('commander')
	]);
});
afterAll(async () => {
	await server?.dispose();
});

async function put(
	session: TestSession | null,
	photoId: string,
	query: string,
	body: Uint8Array,
	contentType = 'image/jpeg'
): Promise<{ status: number; body: Record<string, unknown> }> {
	const headers: Record<string, string> = { 'content-type': contentType };
	if (session) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
	const res = await fetch(`${server.url}/api/incidents/${INCIDENT}/photos/${photoId}?${query}`, {
		method: 'PUT',
		headers,
		body: Buffer.from(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(session: TestSession | null, photoId: string): Promise<Response> {
	return fetch(`${server.url}/api/incidents/${INCIDENT}/photos/${photoId}`, {
		headers: session ? { cookie: session.cookie } : {}
	});
}

describe('photo uploads', () => {
	it('stores a field member’s photo of their task without its GPS block and serves it to members', async () => {
		const id = newPhotoId();
		const tagged = jpegWithGps();
		expect(hasLocationMetadata(tagged)).toBe(true);
		const up = await put(field1, id, `task=${OWN_TASK}`, tagged);
		expect(up.status).toBe(201);
		expect(up.body).toMatchObject({
			id,
			incidentId: INCIDENT,
			target: { kind: 'task', id: OWN_TASK },
			contentType: 'image/jpeg',
			keptLocation: false,
			bytes: JPEG.length
		});
		// On disk, under DATA_DIR: no location metadata.
		const file = path.join(server.dataDir, 'attachments', id.slice(-2), id);
		expect(hasLocationMetadata(new Uint8Array(fs.readFileSync(file)))).toBe(false);
		// Served to a member who may read the incident (here the commander), as stored.
		const res = await get(commander, id);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/jpeg');
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(JPEG);
	});

	it('keeps the location metadata when the uploader chose to attach it', async () => {
		const id = newPhotoId();
		const up = await put(field1, id, `task=${OWN_TASK}&location=keep`, jpegWithGps());
		expect(up.status).toBe(201);
		expect(up.body.keptLocation).toBe(true);
		const res = await get(field1, id);
		expect(hasLocationMetadata(new Uint8Array(await res.arrayBuffer()))).toBe(true);
	});

	it('answers a repeated upload of the same photo with the stored record (a retry)', async () => {
		const id = newPhotoId();
		expect((await put(field1, id, `task=${OWN_TASK}`, PNG, 'image/png')).status).toBe(201);
		const again = await put(field1, id, `task=${OWN_TASK}`, PNG, 'image/png');
		expect(again.status).toBe(200);
		expect(again.body).toMatchObject({ id, contentType: 'image/png' });
	});

	it('refuses an id taken by another person’s photo (409 photo-id-taken)', async () => {
		const id = newPhotoId();
		expect((await put(field1, id, `task=${OWN_TASK}`, JPEG)).status).toBe(201);
		const clash = await put(commander, id, `task=${OWN_TASK}`, JPEG);
		expect(clash).toMatchObject({ status: 409, body: { error: 'photo-id-taken' } });
	});

	it('refuses what is no image by its content, whatever its content type says (415)', async () => {
		const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>');
		const r = await put(field1, newPhotoId(), `task=${OWN_TASK}`, svg, 'image/jpeg');
		expect(r).toMatchObject({ status: 415, body: { error: 'photo-type-not-allowed' } });
	});

	it('refuses a photo over the limit (413 photo-too-large), before storing anything', async () => {
		const big = new Uint8Array(MAX_PHOTO_BYTES + 1);
		big.set(JPEG);
		const id = newPhotoId();
		const r = await put(field1, id, `task=${OWN_TASK}`, big);
		expect(r).toMatchObject({ status: 413, body: { error: 'photo-too-large' } });
		expect((await get(field1, id)).status).toBe(404);
	});

	it('refuses a damaged image (422 photo-malformed)', async () => {
		const damaged = jpegWithGps().slice(0, 30);
		damaged[4] = 0xff;
		const r = await put(field1, newPhotoId(), `task=${OWN_TASK}`, damaged);
		expect(r).toMatchObject({ status: 422, body: { error: 'photo-malformed' } });
	});

	it('refuses an upload without a session (401) and a role that writes nothing (403)', async () => {
		expect((await put(null, newPhotoId(), `task=${OWN_TASK}`, JPEG)).status).toBe(401);
		const leader = await server.login('leader');
		expect(await put(leader, newPhotoId(), `task=${OWN_TASK}`, JPEG)).toMatchObject({
			status: 403,
			body: { error: 'forbidden' }
		});
	});

	it('refuses a photo for a task the user may not touch (403 photo-not-allowed)', async () => {
		const r = await put(field1, newPhotoId(), `task=${OTHER_TASK}`, JPEG);
		expect(r).toMatchObject({ status: 403, body: { error: 'photo-not-allowed' } });
		// field2's team works on it.
		expect((await put(field2, newPhotoId(), `task=${OTHER_TASK}`, JPEG)).status).toBe(201);
	});

	it('refuses a task or report the incident does not hold (404 photo-target-not-found)', async () => {
		expect(await put(field1, newPhotoId(), 'task=task-nowhere', JPEG)).toMatchObject({
			status: 404,
			body: { error: 'photo-target-not-found' }
		});
		expect(await put(field1, newPhotoId(), 'report=report-nowhere', JPEG)).toMatchObject({
			status: 404,
			body: { error: 'photo-target-not-found' }
		});
	});

	it('attaches to a field report only as its author’s organisation or a commander', async () => {
		const room = await server.registry.open(INCIDENT);
		await room.change((doc) => {
			new IncidentDoc(doc).addEntity('reports', 'report-field1', {
				kind: 'hazard',
				note: '',
				position: null,
				photo: null,
				createdBy: 'u-field1-test',
				ownerOrgId: 'org-elsewhere',
				createdAt: new Date().toISOString()
			});
		});
		const r = await put(field2, newPhotoId(), 'report=report-field1', JPEG);
		expect(r).toMatchObject({ status: 403, body: { error: 'photo-not-allowed' } });
		expect((await put(commander, newPhotoId(), 'report=report-field1', JPEG)).status).toBe(201);
	});

	it('names the task or report, exactly one (400 invalid-request)', async () => {
		expect((await put(field1, newPhotoId(), '', JPEG)).status).toBe(400);
		expect((await put(field1, newPhotoId(), `task=${OWN_TASK}&report=r`, JPEG)).status).toBe(400);
		const r = await fetch(`${server.url}/api/incidents/${INCIDENT}/photos/not-an-id?task=${OWN_TASK}`, {
			method: 'PUT',
			headers: { cookie: field1.cookie, 'x-csrf-token': field1.csrfToken },
			body: Buffer.from(JPEG)
		});
		expect(r.status).toBe(400);
	});

	it('serves photos only to those who may read the incident', async () => {
		const id = newPhotoId();
		await put(field1, id, `task=${OWN_TASK}`, JPEG);
		expect((await get(null, id)).status).toBe(401);
		const elsewhere = await fetch(`${server.url}/api/incidents/inc-none/photos/${id}`, {
			headers: { cookie: field1.cookie }
		});
		expect(elsewhere.status).toBe(404);
	});
});
