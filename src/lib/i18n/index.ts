/**
 * The app's translations: Simplified Chinese (default and fallback) and English.
 *
 * Both dictionaries are registered synchronously when this module is first imported, so no page
 * ever renders message keys while a language loads. The chosen language is kept in localStorage.
 * Components use the typed `t` store: `$t('annotationKind.shelter')`; a key that does not exist
 * is a type error. Code that is not a component reads a one-off translation with `translate()`.
 */
import { addMessages, init, locale as i18nLocale, _ } from 'svelte-i18n';
import { derived, get, type Readable } from 'svelte/store';
import { en } from './en.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type { MessageKey, Messages } from './zh-CN.ts';
export * from './labels.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

const STORAGE_KEY = 'sitroom.locale';

export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;
export type Translate = (key: MessageKey, values?: MessageValues) => string;

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function storedLocale(): Locale | null {
	try {
		const v = globalThis.localStorage?.getItem(STORAGE_KEY);
		return isLocale(v) ? v : null;
	} catch {
		// Storage can be disabled (privacy mode, sandboxed iframe): fall back to the default.
		return null;
	}
}

addMessages('zh-CN', zhCN);
addMessages('en', en);
// Both dictionaries are registered above, so init has nothing to wait for (no loaders).
void init({ fallbackLocale: DEFAULT_LOCALE, initialLocale: storedLocale() ?? DEFAULT_LOCALE });

/** The current language. */
export const locale: Readable<Locale> = derived(i18nLocale, (l) => (isLocale(l) ? l : DEFAULT_LOCALE));

/** Switches the language, remembers the choice and sets `<html lang>`. */
export function setLocale(next: Locale): void {
	// Resolves at once: no message loaders are registered.
	void i18nLocale.set(next);
	try {
		globalThis.localStorage?.setItem(STORAGE_KEY, next);
	} catch {
		// Not persisted when storage is unavailable; the switch still applies to this page.
	}
	if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/** The typed translation function, as a store (`$t(key)` in components). */
export const t: Readable<Translate> = derived(_, (format) => {
	return (key: MessageKey, values?: MessageValues) => format(key, values ? { values } : undefined);
});

/** A translation in the current language, for code outside components (e.g. map styles). */
export function translate(key: MessageKey, values?: MessageValues): string {
	return get(t)(key, values);
}
