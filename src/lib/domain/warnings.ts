/**
 * Warnings (预警) and orders (指令) that targets must acknowledge (签收, 叫应): the codes both
 * sides use, the acknowledgement time limits by level, and the CAP 1.2 mappings of a level.
 * The server decides (server/warnings/); the UI asks the same module to label and to hide.
 */
export const WARNING_KINDS = ['warning', 'order'] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

/** Colour levels, most severe first: 红 橙 黄 蓝. */
export const WARNING_LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/** CAP 1.2 urgency and certainty values (Unknown left out: an issuer says what they know). */
export const WARNING_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past'] as const;
export type WarningUrgency = (typeof WARNING_URGENCIES)[number];
export const WARNING_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely'] as const;
export type WarningCertainty = (typeof WARNING_CERTAINTIES)[number];

/**
 * Event types, each with the field it belongs to: an agency issues in the fields its county
 * gives it (jurisdiction/<county>/warning-fields.json); the command centre issues any.
 */
export const WARNING_EVENTS = {
	flood: 'flood',
	rainstorm: 'weather',
	'strong-wind': 'weather',
	thunderstorm: 'weather',
	snowstorm: 'weather',
	'high-temperature': 'weather',
	landslide: 'geology',
	debris: 'geology',
	collapse: 'geology',
	'forest-fire': 'forest',
	'road-closure': 'transport',
	other: 'general'
} as const;
export type WarningEvent = keyof typeof WARNING_EVENTS;
export const WARNING_EVENT_CODES = Object.keys(WARNING_EVENTS) as WarningEvent[];
export type WarningField = (typeof WARNING_EVENTS)[WarningEvent];

/** What a version of a warning did: issued it, updated it (续发), cancelled it (解除). */
export const WARNING_MSG_TYPES = ['issue', 'update', 'cancel'] as const;
export type WarningMsgType = (typeof WARNING_MSG_TYPES)[number];

/** Orders have no colour level: their limit is `order`. */
export type AckLimitKey = WarningLevel | 'order';

/** Default time limits to acknowledge, in seconds (configurable per county: WARNING_ACK_LIMITS). */
export const DEFAULT_ACK_LIMITS_S: Readonly<Record<AckLimitKey, number>> = {
	red: 5 * 60,
	orange: 10 * 60,
	yellow: 20 * 60,
	blue: 30 * 60,
	order: 10 * 60
};

export function ackLimitKey(kind: WarningKind, level: WarningLevel | null): AckLimitKey {
	return kind === 'order' || level === null ? 'order' : level;
}

/** CAP 1.2 severity of a colour level (红→Extreme, 橙→Severe, 黄→Moderate, 蓝→Minor). */
export const CAP_SEVERITY: Readonly<Record<WarningLevel, 'Extreme' | 'Severe' | 'Moderate' | 'Minor'>> = {
	red: 'Extreme',
	orange: 'Severe',
	yellow: 'Moderate',
	blue: 'Minor'
};

/** The colour's name in the Chinese profile (GB/T 35965.1: Red/Orange/Yellow/Blue). */
export const CAP_COLOUR: Readonly<Record<WarningLevel, string>> = {
	red: 'Red',
	orange: 'Orange',
	yellow: 'Yellow',
	blue: 'Blue'
};
