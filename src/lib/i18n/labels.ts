/**
 * Message keys for the codes of the shared vocabulary and the protocol's Close reasons, so that
 * components never build keys by hand: `$t(annotationKindKey(a.kind))`.
 */
import type {
	AnnotationKind,
	FeedHealth,
	FeedKind,
	FigureKey,
	IncidentStatus,
	IncidentType,
	LogKind,
	OrgKind,
	ResponseLevel,
	ReportKind,
	Role,
	Severity,
	TaskPriority,
	TaskStatus
} from '$lib/domain/vocabulary';
import { zhCN, type MessageKey } from './zh-CN.ts';

export const incidentTypeKey = (c: IncidentType) => `incidentType.${c}` as const satisfies MessageKey;
export const severityKey = (c: Severity) => `severity.${c}` as const satisfies MessageKey;
export const responseLevelKey = (c: ResponseLevel) => `responseLevel.${c}` as const satisfies MessageKey;
export const incidentStatusKey = (c: IncidentStatus) => `incidentStatus.${c}` as const satisfies MessageKey;
export const figureKey = (c: FigureKey) => `figure.${c}` as const satisfies MessageKey;
export const logKindKey = (c: LogKind) => `logKind.${c}` as const satisfies MessageKey;
export const annotationKindKey = (c: AnnotationKind) => `annotationKind.${c}` as const satisfies MessageKey;
export const priorityKey = (c: TaskPriority) => `priority.${c}` as const satisfies MessageKey;
export const taskStatusKey = (c: TaskStatus) => `taskStatus.${c}` as const satisfies MessageKey;
export const reportKindKey = (c: ReportKind) => `reportKind.${c}` as const satisfies MessageKey;
export const feedKindKey = (c: FeedKind) => `feedKind.${c}` as const satisfies MessageKey;
export const feedHealthKey = (c: FeedHealth) => `feedHealth.${c}` as const satisfies MessageKey;
export const roleKey = (c: Role) => `role.${c}` as const satisfies MessageKey;
export const orgKindKey = (c: OrgKind) => `orgKind.${c}` as const satisfies MessageKey;

const CLOSE_REASON_PREFIX = 'closeReason.';

/**
 * The message key for a Close reason string received from the server (`refused`/`closed`
 * events, WebSocket close frames). An unknown reason maps to `closeReason.unknown`, which
 * takes the raw reason as `{reason}`, so a newer server never shows a bare key.
 */
export function closeReasonKey(reason: string): MessageKey {
	const key = `${CLOSE_REASON_PREFIX}${reason}`;
	return Object.hasOwn(zhCN, key) ? (key as MessageKey) : 'closeReason.unknown';
}

/** The message for a photo upload's refusal code; codes without their own say `photoRefusal.other`. */
export function photoRefusalKey(code: string): MessageKey {
	const key = `photoRefusal.${code}`;
	return Object.hasOwn(zhCN, key) ? (key as MessageKey) : 'photoRefusal.other';
}

/** The message for a refused position fix or batch; codes without their own say `fixRefusal.other`. */
export function fixRefusalKey(code: string): MessageKey {
	const key = `fixRefusal.${code}`;
	return Object.hasOwn(zhCN, key) ? (key as MessageKey) : 'fixRefusal.other';
}
