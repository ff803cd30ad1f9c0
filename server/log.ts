/**
 * Structured JSON logs (pino). Every line about a connection carries its id (`conn`), every
 * line about an HTTP request its request id (`req`).
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
	return pino({ level, base: { service: 'sitroom' } });
}

/** A logger that drops everything (tests that assert on behaviour, not on logs). */
export function silentLogger(): Logger {
	return pino({ level: 'silent' });
}
