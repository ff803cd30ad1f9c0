/**
 * The process entry point logs a promise rejection nobody handled (level error, with its stack)
 * instead of letting Node end the process, and bounds how many lines a storm of them writes.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import { logUnhandledRejections, UNHANDLED_REJECTION } from '../../server/unhandled-rejections.ts';

function capture() {
	const lines: Array<Record<string, unknown>> = [];
	const log = pino(
		new Writable({
			write(chunk: Buffer, _enc, done) {
				lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
				done();
			}
		})
	);
	return { lines, log };
}

it('[unhandled-1] logs an unhandled rejection at level error with its stack, and the emitter has a listener (Node then does not crash)', () => {
	const proc = new EventEmitter();
	const { lines, log } = capture();
	logUnhandledRejections(proc, log);
	expect(proc.listenerCount('unhandledRejection')).toBe(1);
	proc.emit('unhandledRejection', new Error('Socket closed unexpectedly'), Promise.resolve());
	expect(lines).toHaveLength(1);
	expect(lines[0]!.level).toBe(50);
	expect(lines[0]!.msg).toBe(UNHANDLED_REJECTION);
	expect((lines[0]!.err as { message: string; stack: string }).message).toBe('Socket closed unexpectedly');
	expect((lines[0]!.err as { stack: string }).stack).toContain('unhandled-rejections.test.ts');
});

it('[unhandled-2] a storm of them writes at most the limit a second, then one count', async () => {
	const proc = new EventEmitter();
	const { lines, log } = capture();
	logUnhandledRejections(proc, log, 3);
	for (let i = 0; i < 100; i++) proc.emit('unhandledRejection', new Error(`e${i}`), Promise.resolve());
	expect(lines).toHaveLength(3);
	await new Promise((r) => setTimeout(r, 1100));
	expect(lines).toHaveLength(4);
	expect(lines[3]!.suppressed).toBe(97);
});
