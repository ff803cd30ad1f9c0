/**
 * The controlled vocabularies of an incident: the codes stored in documents and tables.
 * Labels in Chinese and English live in src/lib/i18n; codes are stable ASCII so that
 * documents, REST payloads and logs never depend on the display language.
 */

export const INCIDENT_TYPES = [
	'flood',
	'landslide',
	'debris_flow',
	'collapse',
	'earthquake',
	'forest_fire',
	'hazardous_chemicals',
	'road_traffic',
	'mine',
	'crowd',
	'other'
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** 特别重大 / 重大 / 较大 / 一般 */
export const SEVERITIES = ['especially_major', 'major', 'large', 'general'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Ⅰ–Ⅳ级响应; Ⅰ is the highest. */
export const RESPONSE_LEVELS = ['I', 'II', 'III', 'IV'] as const;
export type ResponseLevel = (typeof RESPONSE_LEVELS)[number];

export const INCIDENT_STATUSES = ['active', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Per-township key figures on the board (态势板). */
export const FIGURE_KEYS = [
	'dead',
	'missing',
	'injured',
	'relocated',
	'houses_damaged',
	'roads_cut',
	'power_out',
	'comms_out'
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

/** 接报, 续报, 指令, 会商决定, 通知 */
export const LOG_KINDS = ['initial_report', 'follow_up', 'order', 'decision', 'notice'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export const ANNOTATION_KINDS = [
	'danger_zone',
	'road_blocked',
	'command_post',
	'staging_area',
	'shelter',
	'evacuation_route',
	'water_gauge',
	'fire_line',
	'observation'
] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

export const TASK_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** 新建 → 已派发 → 已接收 → 执行中 → 已完成; 受阻 / 已取消 from any open state. */
export const TASK_STATUSES = [
	'new',
	'dispatched',
	'accepted',
	'in_progress',
	'done',
	'blocked',
	'cancelled'
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * 现场报告: what a field member or information officer (灾情信息员) saw, reported without a task:
 * 灾情 (damage done), 险情 (a hazard developing), 人员伤亡 (people hurt or missing),
 * 救援需求 (help needed), 其他.
 */
export const REPORT_KINDS = ['damage', 'hazard', 'casualties', 'needs', 'other'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const FEED_KINDS = ['drone', 'body_worn', 'fixed_camera', 'vehicle'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export const FEED_HEALTH = ['online', 'offline', 'unknown'] as const;
export type FeedHealth = (typeof FEED_HEALTH)[number];

/** 红色 / 橙色 / 黄色 / 蓝色预警; red is the most severe. */
export const WARNING_LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/** 预警 (a warning to the public) or 指令 (an order, such as to evacuate). */
export const WARNING_KINDS = ['warning', 'order'] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

/** 生效中 / 已解除 / 已过期 */
export const WARNING_STATUSES = ['active', 'lifted', 'expired'] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];

export const ROLES = ['admin', 'commander', 'agency', 'township', 'field', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KINDS = ['command_centre', 'department', 'township', 'team', 'village'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
