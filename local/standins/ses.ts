import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { Mailbox } from './mailbox';

/**
 * SES v2, as far as the app uses it: `SendEmail` with Simple content, over the real REST-JSON wire
 * protocol, so the same SESv2Client adapter runs here and in AWS. What @aws-sdk/client-sesv2 sends:
 * `POST /v2/email/outbound-emails`, `content-type: application/json`, SigV4-signed for service `ses`
 * (not checked here, as fauxqs checks none either). Each accepted email lands in `mailbox`, once per
 * recipient. Errors use the REST-JSON shape the SDK parses (`x-amzn-errortype` header + `message`),
 * so a client sees e.g. BadRequestException as it would from SES.
 *
 * It runs in-process (a plain node:http server): the mailbox is then readable by the local API server
 * in the same process, with no child process to supervise.
 */
export interface SesStandIn {
  endpoint: string;
  /** Undefined when AWS_ENDPOINT_URL_SESV2 names another endpoint: emails then go there, not to a local mailbox. */
  mailbox?: Mailbox;
  stop(): Promise<void>;
}

const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

const content = z.object({ Data: z.string() });
const sendEmailRequest = z.object({
  FromEmailAddress: z.string().min(1),
  Destination: z.object({
    ToAddresses: z.array(z.string()).default([]),
    CcAddresses: z.array(z.string()).default([]),
    BccAddresses: z.array(z.string()).default([]),
  }),
  Content: z.object({
    Simple: z.object({
      Subject: content,
      // The mailbox keeps one text; an HTML-only email is shown as its source.
      Body: z.object({ Text: content.optional(), Html: content.optional() }),
    }),
  }),
});

class SesError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const parseSendEmail = (raw: string) => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SesError(400, 'BadRequestException', 'The request body is not valid JSON.');
  }
  const parsed = sendEmailRequest.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    // Raw and Template content are valid SES, just not implemented by this stand-in: say so.
    throw new SesError(
      400,
      'BadRequestException',
      `Invalid or unsupported SendEmail request (the local stand-in takes Simple content only): ${fields}`,
    );
  }
  const { FromEmailAddress: from, Destination: d, Content: c } = parsed.data;
  const recipients = [...d.ToAddresses, ...d.CcAddresses, ...d.BccAddresses];
  if (recipients.length === 0) throw new SesError(400, 'BadRequestException', 'Missing required field Destination: no recipient.');
  const text = c.Simple.Body.Text?.Data ?? c.Simple.Body.Html?.Data ?? '';
  return { from, recipients, subject: c.Simple.Subject.Data, text };
};

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(JSON.stringify(body));
};

const handler = (mailbox: Mailbox) => async (req: IncomingMessage, res: ServerResponse) => {
  try {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'POST' || pathname !== SEND_EMAIL_PATH) {
      throw new SesError(
        404,
        'NotFoundException',
        `The local SES stand-in implements only POST ${SEND_EMAIL_PATH} (SendEmail), not ${req.method} ${pathname}.`,
      );
    }
    const email = parseSendEmail(await readBody(req));
    const sentAt = new Date().toISOString();
    for (const to of email.recipients) mailbox.deliver({ to, from: email.from, subject: email.subject, text: email.text, sentAt });
    send(res, 200, { MessageId: randomUUID() });
  } catch (err) {
    const failure = err instanceof SesError ? err : new SesError(500, 'InternalServiceErrorException', (err as Error).message);
    send(res, failure.status, { message: failure.message }, { 'x-amzn-errortype': failure.type });
  }
};

/** Starts the stand-in on a free port of 127.0.0.1, unless AWS_ENDPOINT_URL_SESV2 names another endpoint. */
export async function startSes(): Promise<SesStandIn> {
  const external = process.env.AWS_ENDPOINT_URL_SESV2;
  if (external) return { endpoint: external, stop: async () => {} };

  const mailbox = new Mailbox();
  const handle = handler(mailbox);
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    mailbox,
    stop: () =>
      new Promise<void>((resolve) => {
        // The SDK keeps connections alive; close them, or close() waits for them to time out.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
