import {
  CarFeedbackList,
  FeedbackBody,
  FeedbackCreated,
  FeedbackIdParams,
  FeedbackListQuery,
  FeedbackView,
  HideBody,
  UserFeedbackList,
  UserFeedbackParams,
} from '../feedback-schemas';
import { CarIdParams } from '../fleet-schemas';
import { defineRoute } from '../route';
import { ADMIN_THROTTLE, DEFAULT_THROTTLE } from './throttle';

/** A customer writes at most one review per rental: a tight limit on the one write. */
const SUBMIT_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
const tag = 'Feedback';

export const feedbackRoutes = {
  submitFeedback: defineRoute({
    operationId: 'submitFeedback',
    method: 'POST',
    path: '/feedback',
    capability: 'submitFeedback',
    access: 'customer',
    verifiedEmail: true,
    summary: 'Review a rental once it is over (Completed, or Confirmed with its return day reached): one per reservation',
    tag,
    request: { body: FeedbackBody },
    responses: { 201: { description: "Submitted; the car's rating follows within seconds", schema: FeedbackCreated } },
    errors: [404, 409, 503],
    throttle: SUBMIT_THROTTLE,
  }),
  listCarFeedback: defineRoute({
    operationId: 'listCarFeedback',
    method: 'GET',
    path: '/cars/{carId}/feedback',
    capability: 'listCarFeedback',
    access: 'public',
    summary: "A car's reviews, newest first, with its average rating, count and count per star",
    tag,
    request: { params: CarIdParams, query: FeedbackListQuery },
    responses: { 200: { description: 'A page of visible reviews and the rating summary', schema: CarFeedbackList } },
    errors: [404],
    throttle: DEFAULT_THROTTLE,
  }),
  listUserFeedback: defineRoute({
    operationId: 'listUserFeedback',
    method: 'GET',
    path: '/users/{userId}/feedback',
    capability: 'listUserFeedback',
    access: 'customer',
    summary: 'The reviews a user wrote, newest first, hidden ones included (that user or an admin)',
    tag,
    request: { params: UserFeedbackParams, query: FeedbackListQuery },
    responses: { 200: { description: 'A page of reviews (an empty list when none)', schema: UserFeedbackList } },
    throttle: DEFAULT_THROTTLE,
  }),
  hideFeedback: defineRoute({
    operationId: 'hideFeedback',
    method: 'POST',
    path: '/feedback/{feedbackId}/hide',
    capability: 'moderateFeedback',
    access: 'admin',
    summary: "Hide a review (with a reason): it leaves the public list and the car's rating",
    tag,
    request: { params: FeedbackIdParams, body: HideBody },
    responses: { 200: { description: 'Hidden (hiding a hidden review changes nothing)', schema: FeedbackView } },
    errors: [404],
    throttle: ADMIN_THROTTLE,
  }),
  unhideFeedback: defineRoute({
    operationId: 'unhideFeedback',
    method: 'POST',
    path: '/feedback/{feedbackId}/unhide',
    capability: 'moderateFeedback',
    access: 'admin',
    summary: "Show a hidden review again: it is back in the public list and the car's rating",
    tag,
    request: { params: FeedbackIdParams },
    responses: { 200: { description: 'Visible again (showing a visible review changes nothing)', schema: FeedbackView } },
    errors: [404],
    throttle: ADMIN_THROTTLE,
  }),
};
