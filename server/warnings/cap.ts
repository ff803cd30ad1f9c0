/**
 * OASIS CAP 1.2 export of one version of a warning (GET /api/warnings/:id/cap), valid against
 * the CAP 1.2 schema (tests/warnings/cap/CAP-v1.2.xsd; tests/warnings/cap.test.ts validates with
 * xmllint). The fields of the Chinese profile (GB/T 35965.1) are carried where CAP 1.2 has room:
 * the identifier in its form (sender code _ time _ running number), `sent` in Beijing time, the
 * colour level as severity and as a parameter, the area's statistical division codes as geocodes.
 * The national release system's own profile is not schema-valid CAP and is not claimed here; the
 * data a profile exporter needs (sender code, event, colour) is kept.
 */
import type { WarningArea } from '#domain/api/warnings';
import {
	CAP_COLOUR,
	CAP_SEVERITY,
	WARNING_EVENTS,
	type WarningEvent,
	type WarningKind
} from '#domain/warnings';
import { beijingIso } from './time.ts';
import type { VersionRow } from './warning-repository.ts';

const MSG_TYPE = { issue: 'Alert', update: 'Update', cancel: 'Cancel' } as const;

/** CAP categories by event field (CAP's Met includes floods). */
const CATEGORY: Record<(typeof WARNING_EVENTS)[WarningEvent], string> = {
	flood: 'Met',
	weather: 'Met',
	geology: 'Geo',
	forest: 'Fire',
	transport: 'Transport',
	general: 'Other'
};

export interface CapContext {
	kind: WarningKind;
	/** The GB/T 35965.1 sender code: 6-digit admin code, 3-digit agency, 3-digit internal, 2-digit extension. */
	senderCode: string;
	issuerName: string;
	/** Who signed this version (签发人). */
	signedBy: string;
	incidentId: string | null;
	/** The first version (what update and cancel reference). */
	first: VersionRow;
	/** Chinese labels of events and places. */
	eventLabel(event: WarningEvent): string;
	townshipName(code: string): string;
	villageName(code: string): string;
}

const escapeXml = (s: string): string =>
	s.replace(
		/[<>&"']/g,
		(c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!
	);

/** Removes characters XML 1.0 cannot carry at all (control characters other than tab and newlines). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xmlText = (s: string): string => escapeXml(s.replace(NOT_XML, ''));

const el = (name: string, value: string, indent: string): string =>
	`${indent}<${name}>${xmlText(value)}</${name}>`;

/** The CAP `sender`: no spaces, commas or reserved characters. */
export const capSender = (senderCode: string): string => `sitroom:${senderCode}`;

function areaDescOf(area: WarningArea, ctx: CapContext): string {
	if (area.description) return area.description;
	const names = [...area.townships.map(ctx.townshipName), ...area.villages.map(ctx.villageName)];
	return names.length ? names.join('、') : '绘制区域';
}

export function capXml(v: VersionRow, ctx: CapContext): string {
	const sender = capSender(ctx.senderCode);
	const colour = v.level ? CAP_COLOUR[v.level] : null;
	const eventLabel = ctx.eventLabel(v.event);
	const lines: string[] = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
		el('identifier', v.identifier, '\t'),
		el('sender', sender, '\t'),
		el('sent', beijingIso(v.sentAt), '\t'),
		el('status', 'Actual', '\t'),
		el('msgType', MSG_TYPE[v.msgType], '\t'),
		el('source', ctx.issuerName, '\t'),
		el('scope', 'Public', '\t')
	];
	if (v.msgType === 'cancel' && v.reason) lines.push(el('note', v.reason, '\t'));
	if (v.msgType !== 'issue')
		lines.push(el('references', `${sender},${ctx.first.identifier},${beijingIso(ctx.first.sentAt)}`, '\t'));
	if (ctx.incidentId) lines.push(el('incidents', ctx.incidentId.replace(/[\s,]/g, '_'), '\t'));
	const i = '\t\t';
	lines.push('\t<info>', el('language', 'zh-CN', i), el('category', CATEGORY[WARNING_EVENTS[v.event]], i));
	lines.push(el('event', eventLabel, i));
	lines.push(el('responseType', ctx.kind === 'order' ? 'Execute' : 'Prepare', i));
	lines.push(el('urgency', v.urgency, i));
	lines.push(el('severity', v.level ? CAP_SEVERITY[v.level] : 'Unknown', i));
	lines.push(el('certainty', v.certainty, i));
	lines.push(
		`${i}<eventCode>`,
		el('valueName', 'SITROOM-EVENT', i + '\t'),
		el('value', v.event, i + '\t'),
		`${i}</eventCode>`
	);
	lines.push(el('effective', beijingIso(v.effective), i), el('expires', beijingIso(v.expires), i));
	lines.push(el('senderName', `${ctx.issuerName} ${ctx.signedBy}`, i));
	lines.push(el('headline', v.title, i));
	const verb = v.msgType === 'cancel' ? '解除' : '发布';
	const what = ctx.kind === 'order' ? '指令' : `${colour ? colourZh(colour) : ''}预警`;
	lines.push(el('description', `${ctx.issuerName}${verb}${eventLabel}${what}`, i));
	lines.push(el('instruction', v.instruction, i));
	const param = (name: string, value: string) =>
		lines.push(
			`${i}<parameter>`,
			el('valueName', name, i + '\t'),
			el('value', value, i + '\t'),
			`${i}</parameter>`
		);
	param('senderCode', ctx.senderCode);
	param('kind', ctx.kind === 'order' ? '指令' : '预警');
	if (colour) param('GB/T 35965.1 severity', colour);
	lines.push(`${i}<area>`, el('areaDesc', areaDescOf(v.area, ctx), i + '\t'));
	if (v.area.polygon)
		lines.push(el('polygon', v.area.polygon.map(([lon, lat]) => `${lat},${lon}`).join(' '), i + '\t'));
	for (const code of [...v.area.townships, ...v.area.villages])
		lines.push(
			`${i}\t<geocode>`,
			el('valueName', 'GB/T 2260', i + '\t\t'),
			el('value', code, i + '\t\t'),
			`${i}\t</geocode>`
		);
	lines.push(`${i}</area>`, '\t</info>', '</alert>', '');
	return lines.join('\n');
}

function colourZh(colour: string): string {
	return (
		({ Red: '红色', Orange: '橙色', Yellow: '黄色', Blue: '蓝色' } as Record<string, string>)[colour] ?? ''
	);
}
