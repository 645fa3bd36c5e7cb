/**
 * Reads the file name from a `Content-Disposition` header, preferring the RFC 5987
 * `filename*=UTF-8''...` form. Only the last path segment is kept and control characters are
 * dropped, so the name is safe to join to a directory: `../../.bashrc` gives `.bashrc`, and
 * `.` or `..` give null.
 */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended?.[2]) {
    try {
      name = decodeURIComponent(extended[2].trim());
    } catch {
      // fall back to the plain form
    }
  }
  if (name === undefined) {
    const plain = /filename\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^;]+))/i.exec(header);
    name = plain ? (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1') : '';
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
  name = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return name === '' || name === '.' || name === '..' ? null : name;
}
