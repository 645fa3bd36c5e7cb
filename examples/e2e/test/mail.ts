import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type PortalkitClient } from '@portalkit/client';

interface Mail {
  to: string;
  subject: string;
  text: string;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Every `.eml` the file mailer wrote into MAIL_DIR, oldest first. */
export async function readMails(mailDir: string): Promise<Mail[]> {
  let names: string[];
  try {
    names = (await readdir(mailDir)).filter((n) => n.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(
    names.map(async (name) => {
      const raw = await readFile(join(mailDir, name), 'utf8');
      const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
      const header = (key: string) => new RegExp(`^${key}: (.*)$`, 'mi').exec(head)?.[1]?.trim() ?? '';
      const qp = /quoted-printable/i.test(header('Content-Transfer-Encoding'));
      const text = rest.join('\n\n');
      return { to: header('To'), subject: header('Subject'), text: qp ? decodeQuotedPrintable(text) : text };
    }),
  );
}

/** Waits for the newest mail to `to` whose subject matches and returns the `?token=` of its link. */
export async function tokenFromMail(mailDir: string, to: string, subject: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mail = (await readMails(mailDir)).filter((m) => m.to.includes(to) && subject.test(m.subject)).at(-1);
    const token = mail && /[?&]token=([^\s&]+)/.exec(mail.text)?.[1];
    if (token) return decodeURIComponent(token);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`[portalkit/e2e] no mail to ${to} matching ${subject} in ${mailDir}`);
}

/**
 * Signs a new user up on a running server (register, verify through the mailed link, log in),
 * creates a tenant with them as admin and switches their tokens to it.
 */
export async function signUpTenantAdmin(
  server: { url: string; dataDir: string },
  user: { email: string; password: string; name: string },
  tenant: { name: string; slug: string },
): Promise<{ client: PortalkitClient; tenantId: string }> {
  const client = createClient({ baseUrl: server.url, retry: false });
  await client.auth.register(user);
  await client.auth.verifyEmail({ token: await tokenFromMail(join(server.dataDir, 'mail'), user.email, /verify/i) });
  await client.auth.login({ email: user.email, password: user.password });
  const tenantId = (await client.tenants.create(tenant)).tenant.id;
  await client.auth.refresh({ tenantId });
  return { client, tenantId };
}
