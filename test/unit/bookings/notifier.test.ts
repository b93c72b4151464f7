import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsSesNotifier, type SnsSesNotifierConfig } from '../../../lambdas/adapters/notifications/sns-ses-notifier';
import { emailFor } from '../../../lambdas/domain/bookings/emails';
import { logger } from '../../../lambdas/shared/logger';
import { bookingEvent } from './notification-fixtures';

const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:booking-events';
const notifier = (config: Partial<SnsSesNotifierConfig> = {}) =>
  new SnsSesNotifier(new SNSClient({}), new SESv2Client({}), { topicArn: TOPIC, sender: 'Car Rental <no-reply@example.com>', ...config });

let logged: jest.SpyInstance;
beforeEach(() => {
  sns.reset();
  ses.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  ses.on(SendEmailCommand).resolves({ MessageId: 'e-1' });
  logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

it('publishes the event as JSON to the topic, with its type as a message attribute', async () => {
  const event = bookingEvent('ReservationConfirmed', { status: 'Confirmed' });
  await notifier().publish(event);

  const [call] = sns.commandCalls(PublishCommand);
  expect(call.args[0].input).toEqual({
    TopicArn: TOPIC,
    Message: JSON.stringify(event),
    MessageAttributes: { type: { DataType: 'String', StringValue: 'ReservationConfirmed' } },
  });
  expect(JSON.parse(call.args[0].input.Message!)).toEqual(event);
});

it('emails the contact address from the sender, as plain text', async () => {
  const event = bookingEvent('ReservationHeld');
  await notifier().publish(event);

  const { subject, text } = emailFor(event)!;
  expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input)).toEqual([
    {
      FromEmailAddress: 'Car Rental <no-reply@example.com>',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: { Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Text: { Data: text, Charset: 'UTF-8' } } } },
    },
  ]);
});

it('sends no email without a contact address, but still publishes the event', async () => {
  await notifier().publish(bookingEvent('ReservationHeld', { contactEmail: undefined }));
  expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
});

it('sends no email without a configured sender, but still publishes the event', async () => {
  await notifier({ sender: undefined }).publish(bookingEvent('ReservationHeld'));
  expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
});

it('swallows and logs an SNS failure, and still sends the email', async () => {
  sns.on(PublishCommand).rejects(new Error('topic unreachable'));
  await expect(notifier().publish(bookingEvent('ReservationExpired'))).resolves.toBeUndefined();
  expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  expect(logged).toHaveBeenCalledTimes(1);
  expect(logged.mock.calls[0][1]).toMatchObject({ channel: 'event', eventType: 'ReservationExpired', reservationId: 'res-0001' });
});

it('swallows and logs an SES failure, without logging the customer address', async () => {
  const message = 'Email address is not verified. The following identities failed the check in region US-EAST-1: ada@example.com';
  ses.on(SendEmailCommand).rejects(Object.assign(new Error(message), { name: 'MessageRejected' }));
  await expect(notifier().publish(bookingEvent('ReservationHeld'))).resolves.toBeUndefined();
  expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  expect(logged).toHaveBeenCalledTimes(1);
  expect(logged.mock.calls[0][1]).toMatchObject({ channel: 'email', eventType: 'ReservationHeld', error: { name: 'MessageRejected' } });
  expect(JSON.stringify(logged.mock.calls[0])).not.toContain('ada@example.com');
});

it('swallows both failing at once', async () => {
  sns.on(PublishCommand).rejects(new Error('down'));
  ses.on(SendEmailCommand).rejects(new Error('down'));
  await expect(notifier().publish(bookingEvent('PickupReminder'))).resolves.toBeUndefined();
  expect(logged).toHaveBeenCalledTimes(2);
});
