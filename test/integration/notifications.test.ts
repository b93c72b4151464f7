import { GetAccountCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DeleteTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { bookingNotifier } from '../../lambdas/adapters/notifications';
import { emailFor } from '../../lambdas/domain/bookings/emails';
import { ENV } from '../../lambdas/shared/env-names';
import { clientConfig } from '../../local/standins/aws';
import type { Mailbox } from '../../local/standins/mailbox';
import { createNotificationTopic } from '../../local/standins/resources';
import { startSes, type SesStandIn } from '../../local/standins/ses';
import { bookingEvent } from '../unit/bookings/notification-fixtures';
import { sdkEnvironment, testMessaging, type TestMessaging } from '../support/aws-services';

/**
 * The real notifications adapter, configured only through the environment as in Lambda, against fauxqs
 * (SNS) and the SES v2 stand-in: the event reaches a subscribed queue, the email reaches the mailbox.
 */
let aws: TestMessaging;
let ses: SesStandIn;
let mailbox: Mailbox;
let sns: SNSClient;
let sqs: SQSClient;
let sesClient: SESv2Client;
let topicArn: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  [aws, ses] = await Promise.all([testMessaging(), startSes()]);
  mailbox = ses.mailbox!;
  sns = new SNSClient(clientConfig(aws.sqsEndpoint));
  ({ sqs } = aws);
  sesClient = new SESv2Client(clientConfig(ses.endpoint));
  topicArn = await createNotificationTopic(sns, `${aws.prefix}booking-events`);
  Object.assign(process.env, {
    ...sdkEnvironment(),
    AWS_ENDPOINT_URL_SNS: aws.sqsEndpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    [ENV.notificationsTopicArn]: topicArn,
    [ENV.emailSender]: 'Car Rental <no-reply@carrental.local>',
  });
}, 60_000);

afterAll(async () => {
  if (topicArn) await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  for (const client of [sns, sesClient]) client?.destroy();
  await Promise.all([aws?.drop(), ses?.stop()]);
  process.env = savedEnv;
});

/** A queue subscribed to the topic with raw delivery, so it receives the published message as sent. */
const subscribedQueue = async (name: string): Promise<string> => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: aws.prefix + name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes!.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return QueueUrl!;
};

it('creates the topic idempotently', async () => {
  expect(topicArn).toMatch(new RegExp(`^arn:aws:sns:[a-z0-9-]+:\\d{12}:${aws.prefix}booking-events$`));
  await expect(createNotificationTopic(sns, `${aws.prefix}booking-events`)).resolves.toBe(topicArn);
});

it('publishes the event to the topic and emails the customer, through the real adapter', async () => {
  const queueUrl = await subscribedQueue('notifications-test');
  const event = bookingEvent('ReservationHeld', { reservationId: 'res-int-1', contactEmail: 'Grace@Example.com' });

  await bookingNotifier().publish(event);

  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 2 }),
  );
  expect(Messages).toHaveLength(1);
  expect(JSON.parse(Messages![0].Body!)).toEqual(event);
  expect(Messages![0].MessageAttributes?.type).toMatchObject({ DataType: 'String', StringValue: 'ReservationHeld' });

  const { subject, text } = emailFor(event)!;
  expect(mailbox.list({ to: 'grace@example.com' })).toEqual([
    { to: 'Grace@Example.com', from: 'Car Rental <no-reply@carrental.local>', subject, text, sentAt: expect.any(String) },
  ]);
});

it('never throws when SNS refuses the publish (unknown topic), and still sends the email', async () => {
  process.env[ENV.notificationsTopicArn] = 'arn:aws:sns:us-east-1:000000000000:no-such-topic';
  try {
    // A fresh module instance, so the notifier is built from the changed environment.
    await jest.isolateModulesAsync(async () => {
      const { bookingNotifier: fresh } = await import('../../lambdas/adapters/notifications');
      await expect(fresh().publish(bookingEvent('ReservationExpired', { contactEmail: 'lin@example.com' }))).resolves.toBeUndefined();
    });
  } finally {
    process.env[ENV.notificationsTopicArn] = topicArn;
  }
  expect(mailbox.list({ to: 'lin@example.com' })).toHaveLength(1);
});

describe('the SES v2 stand-in speaks the SDK wire protocol', () => {
  it('accepts SendEmail and delivers one mailbox entry per recipient', async () => {
    const { MessageId } = await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: 'a@carrental.local',
        Destination: { ToAddresses: ['x@example.com'], CcAddresses: ['y@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hi ✓' }, Body: { Text: { Data: 'Ünïcode body' } } } },
      }),
    );
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(mailbox.list({ to: 'x@example.com' })[0]).toMatchObject({ from: 'a@carrental.local', subject: 'Hi ✓', text: 'Ünïcode body' });
    expect(mailbox.list({ to: 'y@example.com' })).toHaveLength(1);
  });

  it('answers a request it cannot take with the BadRequestException the SDK knows', async () => {
    const raw = new SendEmailCommand({
      FromEmailAddress: 'a@carrental.local',
      Destination: { ToAddresses: ['x@example.com'] },
      Content: { Raw: { Data: new TextEncoder().encode('Subject: raw\r\n\r\nbody') } },
    });
    await expect(sesClient.send(raw)).rejects.toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
  });

  it('answers other operations with a JSON 404', async () => {
    await expect(sesClient.send(new GetAccountCommand({}))).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });
});
