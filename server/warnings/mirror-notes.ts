/**
 * What the room of a warning's incident is told of each step (issue, update, cancel, an
 * acknowledgement, an escalation, a call record): the warning as the room's read-only `warnings`
 * collection shows it, and one log entry (值班记录) in Chinese, as duty staff write them, with who
 * acted. Compose hands the notes to the incidents' writer (server/incidents/warning-mirror.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Warning } from '#domain/incident-doc';
import type { StoredWarning } from './warning-repository.ts';

export interface WarningMirrorNote {
	incidentId: string;
	warningId: string;
	warning: Warning;
	entry: {
		id: string;
		text: string;
		/** Who acted; null: the server itself (an escalation). */
		by: { userId: string; orgId: string } | null;
		ownerOrgId: string;
		at: string;
	};
}

export type MirrorStep =
	| { type: 'issued' | 'updated'; byName: string; targetNames: string[]; limitMin: number }
	| { type: 'cancelled'; byName: string; reason: string }
	| { type: 'acknowledged'; byName: string; orgName: string; tookMs: number; deviceAt: number | null }
	| { type: 'escalated'; orgName: string; leaderName: string | null; leaderPhone: string | null }
	| {
			type: 'call';
			orgName: string;
			caller: string;
			callee: string;
			phone: string;
			answered: boolean;
			at: number;
	  };

const LEVEL_ZH = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' } as const;

/** HH:MM:SS in Beijing time. */
export const beijingClock = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 19);

function took(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	return s < 60 ? `${s} 秒` : `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
}

function stepText(w: StoredWarning, issuerName: string, step: MirrorStep): string {
	const v = w.versions.at(-1)!;
	const what = `${v.level ? LEVEL_ZH[v.level] : ''}${w.kind === 'order' ? '指令' : '预警'}「${v.title}」`;
	switch (step.type) {
		case 'issued':
			return `【预警发布】${issuerName} ${step.byName} 发布${what}，接收单位：${step.targetNames.join('、')}；须在 ${step.limitMin} 分钟内签收。`;
		case 'updated':
			return `【预警续发】${issuerName} ${step.byName} 续发第 ${v.version} 版${what}。`;
		case 'cancelled':
			return `【预警解除】${issuerName} ${step.byName} 解除${what}，原因：${step.reason}`;
		case 'acknowledged':
			return `【预警签收】${step.orgName} ${step.byName} 签收${what}，用时 ${took(step.tookMs)}${
				step.deviceAt !== null ? `（离线签收，设备时间 ${beijingClock(step.deviceAt)}）` : ''
			}。`;
		case 'escalated':
			return `【预警升级】${step.orgName} 超过签收时限仍未签收${what}，已升级${
				step.leaderName
					? `：请联系带班领导 ${step.leaderName}${step.leaderPhone ? ` ${step.leaderPhone}` : ''}`
					: '；该单位此时无排班，请直接电话叫应'
			}。`;
		case 'call':
			return `【叫应记录】${step.orgName}：${step.caller} → ${step.callee}${step.phone ? ` ${step.phone}` : ''}，${beijingClock(step.at)} ${step.answered ? '已接通' : '未接通'}。`;
	}
}

export function mirrorNote(
	w: StoredWarning,
	opts: {
		issuerName: string;
		step: MirrorStep;
		by: { userId: string; orgId: string } | null;
		now: number;
		status: Warning['status'];
	}
): WarningMirrorNote | null {
	if (!w.incidentId) return null;
	const v = w.versions.at(-1)!;
	return {
		incidentId: w.incidentId,
		warningId: w.id,
		warning: {
			title: v.title,
			level: v.level,
			kind: w.kind,
			issuedAt: new Date(w.versions[0]!.sentAt).toISOString(),
			expiresAt: new Date(v.expires).toISOString(),
			status: opts.status,
			targetCount: w.targets.length,
			acknowledgedCount: w.targets.filter((t) => t.ack).length
		},
		entry: {
			id: `wlog-${randomUUID()}`,
			text: stepText(w, opts.issuerName, opts.step),
			by: opts.by,
			ownerOrgId: opts.by?.orgId ?? w.issuerOrgId,
			at: new Date(opts.now).toISOString()
		}
	};
}
