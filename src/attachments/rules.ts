import { BlockList, isIP } from 'node:net';
import { isListed } from '../mapper/remote-attachments.ts';

/**
 * DESIGN §9: which links may be fetched, where the credential may go. Pure: the fetcher asks
 * before every request (the first one and each redirect).
 */
export interface HostRules {
  /** `host` (any port) or `host:port`, lower-case. */
  readonly hosts: readonly string[];
}

export type LinkVerdict =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly reason: 'attachment_host_not_allowed' | 'attachment_unavailable'; readonly message: string };

/**
 * A link or redirect target as a URL we are willing to request: http(s) only, http only to
 * loopback (a credential or a customer's file never crosses a network in clear), no user info.
 * `first`: the export's own link must be on a listed host; a redirect may leave the list (a
 * Zendesk 302 to its storage), then only the address check applies.
 */
export function checkLink(raw: string, rules: HostRules, first: boolean): LinkVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'attachment_unavailable', message: `not a URL: ${JSON.stringify(shortLink(raw))}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'attachment_unavailable', message: `${url.protocol.slice(0, -1)}:// links are not fetched (http and https only)` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'attachment_unavailable', message: 'links with a user name or password are not fetched' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { ok: false, reason: 'attachment_unavailable', message: `http:// is only fetched from loopback (got ${url.hostname}); the link must be https://` };
  }
  if (first && !isListed(url, rules.hosts)) {
    return { ok: false, reason: 'attachment_host_not_allowed', message: `${url.host} is not in source.attachments.hosts` };
  }
  return { ok: true, url };
}

/** The credential goes only to the origin of a listed link, never after a redirect elsewhere. */
export function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && effectivePort(a) === effectivePort(b);
}

/** Loopback, private, link-local, CGNAT and unspecified ranges: what an export must not reach unless listed. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) return isInternalAddress(address.slice(7));
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function isLoopbackHost(hostname: string): boolean {
  const host = bareHost(hostname);
  return host === 'localhost' || (isIP(host) !== 0 && (host === '::1' || host.startsWith('127.')));
}

function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function effectivePort(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

/** A link for a message or report: its query string (a presigned signature) left out. */
export function shortLink(raw: string): string {
  const cut = raw.search(/[?#]/);
  const base = cut === -1 ? raw : `${raw.slice(0, cut)}?…`;
  return base.length > 200 ? `${base.slice(0, 199)}…` : base;
}
