import { randomBytes } from 'node:crypto';
import { routeList } from '../../../lambdas/api/routes';
import { capabilities } from '../../../lambdas/capabilities';
import { openCursor, sealCursor, takesCursor } from '../../../lambdas/http/cursors';
import { AppError } from '../../../lambdas/shared/errors';

const key = randomBytes(32);
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError && err.kind === 'VALIDATION';
  }
  return false;
};

describe('sealed cursors', () => {
  const inner = Buffer.from(JSON.stringify({ v: 1, s: 'price', p: '0000004500#car-1', f: 'abc' })).toString('base64url');

  test('a cursor sealed for a list opens for that list', () => {
    expect(openCursor(key, 'searchCars:{}', sealCursor(key, 'searchCars:{}', inner))).toBe(inner);
  });

  test('refused with a 400: unsealed, altered, another list, another key, garbage', () => {
    const sealed = sealCursor(key, 'listUserReservations:{"userId":"u1"}', inner);
    const [body, tag] = sealed.split('.');
    expect(refused(() => openCursor(key, 'listUserReservations:{"userId":"u1"}', inner))).toBe(true);
    expect(refused(() => openCursor(key, 'listUserReservations:{"userId":"u1"}', `${body.slice(0, -1)}A.${tag}`))).toBe(true);
    expect(refused(() => openCursor(key, 'listUserReservations:{"userId":"u2"}', sealed))).toBe(true);
    expect(refused(() => openCursor(randomBytes(32), 'listUserReservations:{"userId":"u1"}', sealed))).toBe(true);
    for (const junk of ['', '.', 'x.', '.x', 'a.b.c', `${body}.${tag}x`])
      expect([junk, refused(() => openCursor(key, 'x', junk))]).toEqual([junk, true]);
  });

  test('every route that takes a cursor runs in a function that holds the sealing key', () => {
    const paged = routeList.filter(takesCursor);
    expect(paged.map((r) => r.operationId).sort()).toEqual([
      'listCarFeedback',
      'listCarReservations',
      'listCarReservationsV2',
      'listUserFeedback',
      'listUserReservations',
      'listUserReservationsV2',
      'searchCars',
      'searchCarsAtTimes',
    ]);
    for (const route of paged)
      expect([route.operationId, (capabilities[route.capability].uses as { cursors?: boolean }).cursors]).toEqual([
        route.operationId,
        true,
      ]);
  });
});
