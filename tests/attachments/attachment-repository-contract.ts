/**
 * The contract every AttachmentRepository must pass (SQLite now, PostgreSQL later). Call
 * `describeAttachmentRepositoryContract(name, make)` from a test file; `make` returns a fresh,
 * empty repository and a `dispose`. Cases are keyed ([attachments-N]) so that the runs of several
 * implementations read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
	AttachmentRecord,
	AttachmentRepository
} from '../../server/attachments/attachment-repository.ts';

export interface AttachmentRepositoryUnderTest {
	repo: AttachmentRepository;
	dispose(): Promise<void>;
}

const T0 = Date.parse('2026-07-12T03:10:00Z');
const id = (n: number) => `photo-00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const photo = (n: number, over: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
	id: id(n),
	incidentId: 'inc-a',
	target: { kind: 'task', id: 'task-1' },
	contentType: 'image/jpeg',
	bytes: 1000 + n,
	uploadedBy: 'u-field1',
	orgId: 'team-a',
	uploadedAt: T0 + n,
	keptLocation: false,
	...over
});

export function describeAttachmentRepositoryContract(
	name: string,
	make: () => Promise<AttachmentRepositoryUnderTest>
): void {
	describe(`AttachmentRepository contract: ${name}`, () => {
		let current: AttachmentRepositoryUnderTest | null = null;
		const open = async (): Promise<AttachmentRepository> => {
			current = await make();
			return current.repo;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[attachments-1] knows no photo in an empty repository', async () => {
			const repo = await open();
			expect(await repo.get('inc-a', id(1))).toBeUndefined();
			expect(await repo.listFor('inc-a', { kind: 'task', id: 'task-1' })).toEqual([]);
		});

		it('[attachments-2] returns a photo as it was added, within its incident only', async () => {
			const repo = await open();
			const p = photo(1, { keptLocation: true, contentType: 'image/webp' });
			expect(await repo.add(p)).toEqual({ record: p, created: true });
			expect(await repo.get('inc-a', p.id)).toEqual(p);
			expect(await repo.get('inc-b', p.id)).toBeUndefined();
		});

		it('[attachments-3] keeps the first record of an id and says a second add created nothing', async () => {
			const repo = await open();
			const first = photo(1);
			await repo.add(first);
			const again = await repo.add(photo(1, { uploadedBy: 'u-other', bytes: 5 }));
			expect(again).toEqual({ record: first, created: false });
			expect(await repo.get('inc-a', first.id)).toEqual(first);
		});

		it('[attachments-4] lists the photos of one task or report, oldest first', async () => {
			const repo = await open();
			await repo.add(photo(3));
			await repo.add(photo(1));
			await repo.add(photo(2, { target: { kind: 'report', id: 'task-1' } }));
			await repo.add(photo(4, { incidentId: 'inc-b' }));
			const listed = await repo.listFor('inc-a', { kind: 'task', id: 'task-1' });
			expect(listed.map((p) => p.id)).toEqual([id(1), id(3)]);
			expect((await repo.listFor('inc-a', { kind: 'report', id: 'task-1' })).map((p) => p.id)).toEqual([
				id(2)
			]);
		});
	});
}
