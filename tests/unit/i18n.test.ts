import { get } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import { Close } from '../../src/lib/domain/protocol.ts';
import * as vocabulary from '../../src/lib/domain/vocabulary.ts';
import { en } from '../../src/lib/i18n/en.ts';
import {
	annotationKindKey,
	closeReasonKey,
	DEFAULT_LOCALE,
	locale,
	setLocale,
	t,
	taskStatusKey,
	translate
} from '../../src/lib/i18n/index.ts';
import { zhCN } from '../../src/lib/i18n/zh-CN.ts';

/** Vocabulary list name → message key prefix. A new list in vocabulary.ts must be added here. */
const PREFIXES: Record<string, string> = {
	INCIDENT_TYPES: 'incidentType',
	SEVERITIES: 'severity',
	RESPONSE_LEVELS: 'responseLevel',
	INCIDENT_STATUSES: 'incidentStatus',
	FIGURE_KEYS: 'figure',
	LOG_KINDS: 'logKind',
	ANNOTATION_KINDS: 'annotationKind',
	TASK_PRIORITIES: 'priority',
	TASK_STATUSES: 'taskStatus',
	REPORT_KINDS: 'reportKind',
	FEED_KINDS: 'feedKind',
	FEED_HEALTH: 'feedHealth',
	WARNING_LEVELS: 'warningLevel',
	WARNING_KINDS: 'warningKind',
	WARNING_STATUSES: 'warningStatus',
	ROLES: 'role',
	ORG_KINDS: 'orgKind'
};

describe('i18n messages', () => {
	afterEach(() => setLocale(DEFAULT_LOCALE));

	it('has exactly the same keys in English as in Chinese', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
	});

	it('has no empty message in either language', () => {
		for (const [k, v] of [...Object.entries(zhCN), ...Object.entries(en)]) expect(v.trim(), k).not.toBe('');
	});

	it('labels every code of every vocabulary list, and knows every list', () => {
		const lists = Object.entries(vocabulary).filter(([, v]) => Array.isArray(v)) as [
			string,
			readonly string[]
		][];
		expect(lists.map(([name]) => name).sort()).toEqual(Object.keys(PREFIXES).sort());
		for (const [name, codes] of lists) {
			for (const code of codes) expect(zhCN, `${name} ${code}`).toHaveProperty([`${PREFIXES[name]}.${code}`]);
		}
	});

	it('labels every Close reason the server can send', () => {
		for (const { reason } of Object.values(Close)) {
			expect(closeReasonKey(reason)).toBe(`closeReason.${reason}`);
		}
		expect(closeReasonKey('from-a-newer-server')).toBe('closeReason.unknown');
		expect(translate(closeReasonKey('from-a-newer-server'), { reason: 'from-a-newer-server' })).toContain(
			'from-a-newer-server'
		);
	});

	it('speaks Chinese by default, as staff say it', () => {
		expect(get(locale)).toBe('zh-CN');
		expect(translate(annotationKindKey('danger_zone'))).toBe('危险区域');
		expect(translate(taskStatusKey('in_progress'))).toBe('执行中');
		expect(get(t)('responseLevel.I')).toBe('Ⅰ级响应');
	});

	it('switches to English and back, and interpolates values', () => {
		setLocale('en');
		expect(get(locale)).toBe('en');
		expect(translate('annotationKind.shelter')).toBe('Shelter');
		expect(translate('map.measure.km', { value: '1.5' })).toBe('1.5 km');
		setLocale('zh-CN');
		expect(translate('map.measure.km', { value: '1.5' })).toBe('1.5 公里');
	});
});
