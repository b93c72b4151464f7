import type { AreaCapability } from './definition';

/**
 * Feedback: writes go through one function that checks the reservation in the same transaction; the
 * public and per-user lists only read; the ratings are kept by a stream consumer, so a submission never
 * waits for (or contends on) the car item.
 */
export const feedbackCapabilities = {
  submitFeedback: {
    description: 'Customer: review a rental that is over, once (the feedback and the reservation mark in one transaction).',
    uses: { tables: { feedback: 'write', reservations: 'readWrite', users: 'read' } },
  },
  listCarFeedback: {
    description: "Public: a car's visible feedback, newest first, and its rating totals.",
    uses: { tables: { feedback: 'read', cars: 'read' }, cursors: true },
  },
  listUserFeedback: {
    description: 'That user or an admin: the feedback a user wrote.',
    uses: { tables: { feedback: 'read' }, cursors: true },
  },
  moderateFeedback: {
    description: 'Admin: hide a feedback (with a reason) or show it again.',
    uses: { tables: { feedback: 'readWrite' } },
  },
  aggregateRatings: {
    description:
      "Feedback stream consumer: moves each car's rating totals exactly once per change, then drops its cached details and searches.",
    trigger: { kind: 'stream', table: 'feedback', batchSize: 100 },
    uses: { tables: { cars: 'readWrite' }, redis: true },
    timeoutSeconds: 30,
  },
} satisfies Record<string, AreaCapability>;
