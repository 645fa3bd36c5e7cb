/**
 * `text` with the password of every URL in it (`scheme://user:password@host...`) replaced by `***`,
 * and the passwords found, as written and percent-decoded, for scrubbing them from other text (a
 * driver's error message that repeats the URL). Works on any text, parseable URL or not: the
 * password runs to the last `@` before the host, so `p@ss` or `50%off` (no valid percent-encoding)
 * is masked whole.
 */
export function maskUrlPasswords(text: string): { masked: string; passwords: string[] } {
  const passwords: string[] = [];
  const masked = text.replace(/(\/\/[^/:@\s]*):([^/\s]*)@/g, (_match, user: string, password: string) => {
    if (password) {
      passwords.push(password);
      try {
        const decoded = decodeURIComponent(password);
        if (decoded !== password) passwords.push(decoded);
      } catch {
        // not valid percent-encoding: the password is what was written
      }
    }
    return `${user}:***@`;
  });
  return { masked, passwords };
}

/** `text` with each of `secrets` replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret) result = result.split(secret).join('***');
  return result;
}
