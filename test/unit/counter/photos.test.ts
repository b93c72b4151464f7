import type { Reservation } from '../../../lambdas/domain/bookings/reservation';
import { startRentalPhotoUpload } from '../../../lambdas/domain/counter/photo-upload';
import { checkRentalPhotos, MAX_PHOTOS_PER_RENTAL, type RentalPhotos } from '../../../lambdas/domain/counter/photos';
import type { ReservationStore } from '../../../lambdas/domain/bookings/ports';
import { reservation as pending } from '../bookings/notification-fixtures';

const ID = '6f1c2d3e-0000-4000-8000-000000000001';
const OTHER = '6f1c2d3e-0000-4000-8000-000000000002';
const key = (reservationId: string, photo: string) => `rentals/${reservationId}/${photo}.jpg`;

/** A Confirmed one-way v2 rental, LAX to SEA. */
const rental = (patch: Partial<Reservation> = {}): Reservation =>
  pending({
    reservationId: ID,
    status: 'Confirmed',
    pickupAt: '2030-03-01T10:00:00-08:00',
    returnAt: '2030-03-03T10:00:00-08:00',
    returnLocation: 'SEA',
    ...patch,
  });

/** The keys issued, per reservation, in memory. */
const memoryPhotos = (issuedKeys: Record<string, string[]> = {}) => {
  const reads: string[] = [];
  const photos: RentalPhotos = {
    issue: async (id, k, max) => {
      const keys = (issuedKeys[id] ??= []);
      if (keys.length >= max) return false;
      keys.push(k);
      return true;
    },
    issued: async (id) => {
      reads.push(id);
      return new Set(issuedKeys[id] ?? []);
    },
  };
  return { photos, reads, issuedKeys };
};

const fieldsOf = async (p: Promise<unknown>) => {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { kind: string; details: { fields: Array<{ field: string }> } };
  return [err.kind, err.details.fields.map((f) => f.field)];
};

describe('a hand-over’s photos', () => {
  it('are accepted when each was issued for this reservation', async () => {
    const { photos } = memoryPhotos({ [ID]: [key(ID, 'a'), key(ID, 'b')] });
    await expect(
      checkRentalPhotos(photos, ID, { photos: [key(ID, 'a')], damages: [{ description: 'Dent', photos: [key(ID, 'b')] }] }),
    ).resolves.toBeUndefined();
  });

  it('refuse another reservation’s key and a made-up one, naming each field (400)', async () => {
    const { photos } = memoryPhotos({ [ID]: [key(ID, 'a')], [OTHER]: [key(OTHER, 'x')] });
    expect(
      await fieldsOf(
        checkRentalPhotos(photos, ID, {
          photos: [key(ID, 'a'), key(OTHER, 'x')],
          damages: [{ description: 'Scratch' }, { description: 'Dent', photos: [key(ID, 'never-issued')] }],
        }),
      ),
    ).toEqual(['VALIDATION', ['body.photos.1', 'body.damages.1.photos.0']]);
  });

  it('cost no read when none are listed', async () => {
    const { photos, reads } = memoryPhotos();
    await checkRentalPhotos(photos, ID, { damages: [{ description: 'Scratch' }] });
    expect(reads).toEqual([]);
  });
});

describe('a rental photo’s upload', () => {
  const media = {
    uploadUrl: jest.fn(async (k: string) => ({ url: `https://s3/${k}`, method: 'PUT' as const, headers: {}, expiresAt: 'soon' })),
  };
  const depsFor = (r: Reservation | undefined, issuedKeys: Record<string, string[]> = {}) => {
    const memory = memoryPhotos(issuedKeys);
    const reservations = { get: async () => r } as unknown as ReservationStore;
    return { deps: { reservations, photos: memory.photos, media, newId: () => 'photo-1' }, ...memory };
  };
  const agentAt = (...locations: Array<'LAX' | 'SEA' | 'JFK'>) => ({ userId: 'agent-1', isAdmin: false, locations });

  it('records its key under the reservation, then presigns it (content type and size bound)', async () => {
    const { deps, issuedKeys } = depsFor(rental());
    const started = await startRentalPhotoUpload(deps, agentAt('LAX'), ID, 'image/png', 1234);
    expect(started.key).toBe(`rentals/${ID}/photo-1.png`);
    expect(issuedKeys[ID]).toEqual([started.key]);
    expect(media.uploadUrl).toHaveBeenLastCalledWith(started.key, 'image/png', 1234);
  });

  it('is for an agent at the pick-up or the return location, while the rental is still at the counter', async () => {
    expect((await startRentalPhotoUpload(depsFor(rental({ status: 'Active' })).deps, agentAt('SEA'), ID, 'image/jpeg', 1)).key).toMatch(
      /^rentals\//,
    );
    await expect(startRentalPhotoUpload(depsFor(rental()).deps, agentAt('JFK'), ID, 'image/jpeg', 1)).rejects.toMatchObject({
      kind: 'FORBIDDEN',
    });
    await expect(
      startRentalPhotoUpload(depsFor(rental({ status: 'Completed' })).deps, agentAt('LAX'), ID, 'image/jpeg', 1),
    ).rejects.toMatchObject({ kind: 'CONFLICT' });
    await expect(startRentalPhotoUpload(depsFor(undefined).deps, agentAt('LAX'), ID, 'image/jpeg', 1)).rejects.toMatchObject({
      kind: 'NOT_FOUND',
    });
  });

  it('stops at the rental’s cap (409), without a URL', async () => {
    const full = Array.from({ length: MAX_PHOTOS_PER_RENTAL }, (_, i) => key(ID, String(i)));
    media.uploadUrl.mockClear();
    await expect(startRentalPhotoUpload(depsFor(rental(), { [ID]: full }).deps, agentAt('LAX'), ID, 'image/jpeg', 1)).rejects.toMatchObject(
      {
        kind: 'CONFLICT',
        code: 'TOO_MANY_PHOTOS',
      },
    );
    expect(media.uploadUrl).not.toHaveBeenCalled();
  });
});
