import { isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad converted). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address;
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/u.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  return [...left, ...Array.from({ length: missing }, () => '0'), ...right].map((g) => Number.parseInt(g, 16));
}

/**
 * The key a client address is rate-limited by: an IPv6 address by its /64 prefix (one subscriber
 * usually gets a whole /64 and can rotate inside it), written `2001:db8:1:2::/64`; IPv4, IPv4-mapped
 * IPv6 (`::ffff:192.0.2.1`) and anything that is not an IP address are used as they are.
 */
export function rateLimitAddress(ip: string): string {
  const address = ip.replace(/%.*$/u, ''); // zone index (fe80::1%eth0)
  if (!isIPv6(address)) return ip;
  const groups = ipv6Groups(address.toLowerCase());
  if (!groups || groups.some((g) => Number.isNaN(g))) return ip;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return ip; // IPv4-mapped
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
