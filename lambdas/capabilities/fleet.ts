import type { AreaCapability } from './definition';

/**
 * The fleet, one function per operation so each gets only the grants it needs: search and reads never
 * write, only the admin writers touch the media bucket for writing, and only move/delete read
 * reservations (for the 409 that lists a car's upcoming bookings).
 */
export const fleetCapabilities = {
  createCar: {
    description: 'Admin: add a car (and count it at its location).',
    uses: { tables: { cars: 'readWrite' }, redis: true },
  },
  updateCar: {
    description: 'Admin: replace a car’s details; refuses a move while it has upcoming reservations.',
    uses: { tables: { cars: 'readWrite', reservations: 'read' }, redis: true },
  },
  deleteCar: {
    description: 'Admin: remove a car from search and booking, keeping its history.',
    uses: { tables: { cars: 'readWrite', reservations: 'read' }, redis: true },
  },
  addCarPhoto: {
    description: 'Admin: presigned upload URL for a car photo.',
    uses: { tables: { cars: 'readWrite' }, carMedia: 'upload', redis: true },
  },
  deleteCarPhoto: {
    description: 'Admin: delete a car photo (item and object).',
    uses: { tables: { cars: 'readWrite' }, carMedia: 'delete', redis: true },
  },
  getCar: {
    description: 'Public: a car with its photos’ CDN URLs and its rating (cached); marks a photo uploaded once its object is there.',
    // Writes only the photo's uploaded mark (and the cover) the first time its object is seen (a HEAD: carMedia 'read').
    uses: { tables: { cars: 'readWrite' }, carMedia: 'read', photoUrls: true, redis: true },
  },
  listLocations: {
    description: 'Public: the rental locations with their active-car counters.',
    uses: { tables: { cars: 'read' } },
  },
  searchCars: {
    description: 'Public: available cars by location, period, type and price (Queries on the byLocation index, cached in Redis).',
    uses: { tables: { cars: 'read' }, photoUrls: true, redis: true, cursors: true },
    memoryMb: 1024,
  },
  searchCarsAtTimes: {
    description: 'Public (v2): cars free from a time to a time at a location, turnaround included, with the rental’s total price.',
    uses: { tables: { cars: 'read' }, photoUrls: true, redis: true, cursors: true },
    memoryMb: 1024,
  },
} satisfies Record<string, AreaCapability>;
