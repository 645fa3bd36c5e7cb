/** Percent-encodes each `/`-separated segment of a key for use in a URL path. */
export function encodeKeyPath(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function joinUrl(base: string, key: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeKeyPath(key)}`;
}
