import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailer } from '@portalkit/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pk-platform-mail-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createMailer without SMTP_URL', () => {
  it('writes each message as an RFC 5322 .eml file (CRLF headers) into MAIL_DIR, creating it', async () => {
    const mailDir = join(dir, 'mail');
    const mailer = createMailer({ smtpUrl: undefined, mailDir, from: 'portalkit <no-reply@portalkit.local>' });
    await mailer.send({ to: 'ada@example.com', subject: 'Verify your e-mail address', text: 'Hello Ada,\n\nclick.' });
    await mailer.send({ to: 'bob@example.com', subject: 'Second', text: 'two' });
    mailer.close();
    const files = (await readdir(mailDir)).sort();
    expect(files).toHaveLength(2);
    for (const name of files) expect(name).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f-]{36}\.eml$/);
    const texts = await Promise.all(files.map((f) => readFile(join(mailDir, f), 'utf8')));
    const ada = texts.find((t) => t.includes('ada@example.com'))!;
    expect(ada).toMatch(/^From: portalkit <no-reply@portalkit\.local>\r$/m);
    expect(ada).toMatch(/^To: ada@example\.com\r$/m);
    expect(ada).toMatch(/^Subject: Verify your e-mail address\r$/m);
    expect(ada).toMatch(/\r\n\r\nHello Ada,\r?\n\r?\nclick\.\r\n$/);
  });
});
