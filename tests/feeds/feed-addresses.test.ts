import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { FeedAllowlist } from '../../server/feeds/allowlist.ts';
import { feedUrlProblem, parseFeedUrl } from '../../src/lib/domain/feeds.ts';

describe('feed addresses', () => {
	it('accepts only http, https, rtsp, rtmp and webrtc addresses, without credentials', () => {
		for (const ok of [
			'http://127.0.0.1:8088/live/a.m3u8',
			'HTTPS://cameras.example.invalid/x.m3u8',
			'rtsp://10.1.2.3:554/stream1',
			'rtmp://live.example.invalid/app/key',
			'webrtc://gw.example.invalid/cam'
		]) {
			expect(feedUrlProblem(ok), ok).toBeNull();
		}
		expect(feedUrlProblem('javascript:alert(1)')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('file:///etc/passwd')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('data:text/html,hi')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('ftp://a/b')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('not a url')).toBe('not-a-url');
		expect(feedUrlProblem('rtsp://admin:secret@10.0.0.5/ch1')).toBe('has-credentials');
		expect(feedUrlProblem(42)).toBe('not-a-string');
		expect(feedUrlProblem(`http://a.invalid/${'x'.repeat(3000)}`)).toBe('too-long');
	});

	it('tells HLS playlists from other web addresses and from streams that need a gateway', () => {
		const playback = (u: string) => {
			const p = parseFeedUrl(u);
			return p.ok ? p.playback : p.problem;
		};
		expect(playback('https://a.invalid/live/index.M3U8?token=1')).toBe('hls');
		expect(playback('https://a.invalid/player.html')).toBe('http');
		expect(playback('rtsp://a.invalid/1')).toBe('rtsp');
		expect(playback('webrtc://a.invalid/1')).toBe('webrtc');
	});
});

describe('the feed check allowlist', () => {
	it('matches address and port: names, wildcard subdomains, addresses and CIDR networks, each with its port', () => {
		const a = new FeedAllowlist(
			'127.0.0.1:8088, 10.0.0.0/8:8080, *.cam.example.invalid:443, [fd00::/8]:8443, [fd12::1]:8000'
		);
		const allows = (url: string) => a.allows(new URL(url));
		expect(allows('http://127.0.0.1:8088/live/a.m3u8')).toBe(true);
		expect(allows('http://127.0.0.1:8089/live/a.m3u8')).toBe(false);
		expect(allows('http://127.0.0.1/live/a.m3u8')).toBe(false);
		expect(allows('http://127.0.0.2:8088/live/a.m3u8')).toBe(false);
		expect(allows('http://10.20.30.40:8080/a.m3u8')).toBe(true);
		expect(allows('http://10.20.30.40:22/a.m3u8')).toBe(false);
		expect(allows('http://11.0.0.1:8080/a.m3u8')).toBe(false);
		expect(allows('https://a.cam.example.invalid/a.m3u8')).toBe(true);
		expect(allows('http://a.cam.example.invalid:443/a.m3u8')).toBe(true);
		expect(allows('https://a.cam.example.invalid:8443/a.m3u8')).toBe(false);
		expect(allows('https://cam.example.invalid/a.m3u8')).toBe(false);
		expect(allows('https://[fd00::5]:8443/a.m3u8')).toBe(true);
		expect(allows('https://[fd00::5]/a.m3u8')).toBe(false);
		expect(allows('http://[fd12::1]:8000/a.m3u8')).toBe(true);
		expect(allows('http://[fe80::1]:8000/a.m3u8')).toBe(false);
		expect(allows('http://localhost:8088/a.m3u8')).toBe(false);
		expect(new FeedAllowlist('').allows(new URL('http://127.0.0.1/a.m3u8'))).toBe(false);
	});

	it("allows only the scheme's default port for an entry without a port", () => {
		const a = new FeedAllowlist('cameras.example.gov.cn, 10.1.2.0/24, fd00::/8, [fd12::1]');
		const allows = (url: string) => a.allows(new URL(url));
		expect(allows('https://CAMERAS.example.gov.cn/a.m3u8')).toBe(true);
		expect(allows('http://cameras.example.gov.cn/a.m3u8')).toBe(true);
		expect(allows('https://cameras.example.gov.cn:443/a.m3u8')).toBe(true);
		expect(allows('https://cameras.example.gov.cn:8443/a.m3u8')).toBe(false);
		expect(allows('http://cameras.example.gov.cn:443/a.m3u8')).toBe(false);
		expect(allows('http://cameras.example.gov.cn:22/a.m3u8')).toBe(false);
		expect(allows('http://evil.cameras.example.gov.cn/a.m3u8')).toBe(false);
		expect(allows('http://10.1.2.3/a.m3u8')).toBe(true);
		expect(allows('http://10.1.2.3:8080/a.m3u8')).toBe(false);
		expect(allows('https://[fd00::1]/a.m3u8')).toBe(true);
		expect(allows('https://[fd00::1]:8443/a.m3u8')).toBe(false);
		expect(allows('http://[fd12::1]/a.m3u8')).toBe(true);
	});

	it('stops the server from starting with a malformed allowlist, naming the entry', () => {
		expect(() => loadConfig({ FEED_CHECK_ALLOW: '10.0.0.0/33' })).toThrow(/FEED_CHECK_ALLOW.*CIDR/s);
		expect(() => loadConfig({ FEED_CHECK_ALLOW: 'http://cam/' })).toThrow(/FEED_CHECK_ALLOW/);
		for (const bad of [
			'cam.example.invalid:0',
			'cam.example.invalid:65536',
			'cam.example.invalid:*',
			'10.0.0.1:80:80'
		]) {
			expect(() => loadConfig({ FEED_CHECK_ALLOW: bad }), bad).toThrow(
				new RegExp(`FEED_CHECK_ALLOW.*"${bad.replace(/[.*]/g, '\\$&')}"`, 's')
			);
		}
	});
});
