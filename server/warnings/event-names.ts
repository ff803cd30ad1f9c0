/** The events' Chinese names as CAP `event` and the description carry them (the UI's are in i18n). */
import type { WarningEvent } from '#domain/warnings';

export const EVENT_NAMES_ZH: Readonly<Record<WarningEvent, string>> = {
	flood: '洪水',
	rainstorm: '暴雨',
	'strong-wind': '大风',
	thunderstorm: '雷雨大风',
	snowstorm: '暴雪',
	'high-temperature': '高温',
	landslide: '滑坡',
	debris: '泥石流',
	collapse: '崩塌',
	'forest-fire': '森林火险',
	'road-closure': '道路交通管制',
	other: '其他突发事件'
};
