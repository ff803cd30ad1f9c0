/** What waits on the phone, in words: only the kinds that have something, in a fixed order. */
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/lib/i18n/index.ts';
import { summarise } from '../../src/lib/offline/waiting-registry.ts';
import { waitingWords } from '../../src/lib/offline/waiting-words.ts';

describe('waiting words', () => {
	it('names changes, photos and position fixes as the logout question says them', () => {
		const s = summarise([
			{ userId: 'u', room: 'inc-a', count: 2 },
			{ userId: 'u', room: 'inc-b', count: 1, kind: 'changes' },
			{ userId: 'u', room: '#photos', count: 2, kind: 'photos' },
			{ userId: 'u', room: '#fixes', count: 15, kind: 'fixes' }
		]);
		expect(s).toEqual({ changes: 3, photos: 2, fixes: 15, acks: 0, total: 20 });
		expect(waitingWords(s, translate)).toBe('3 条修改、2 张照片、15 个位置点');
		expect(translate('offline.logout.confirm', { what: waitingWords(s, translate) })).toContain(
			'还有 3 条修改、2 张照片、15 个位置点未发送'
		);
	});

	it('names warning acknowledgements made offline too', () => {
		const s = summarise([
			{ userId: 'u', room: 'inc-a', count: 1 },
			{ userId: 'u', room: '#acks', count: 2, kind: 'acks' }
		]);
		expect(waitingWords(s, translate)).toBe('1 条修改、2 条预警签收');
	});

	it('leaves out what has nothing waiting', () => {
		expect(
			waitingWords(summarise([{ userId: 'u', room: '#fixes', count: 4, kind: 'fixes' }]), translate)
		).toBe('4 个位置点');
	});
});
