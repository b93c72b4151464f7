import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toReservationItem } from '../lambdas/adapters/bookings/reservation-item';
import type { Reservation } from '../lambdas/domain/bookings/reservation';
import { DEFAULT_COUNTER_RULES, termsFor } from '../lambdas/domain/counter/terms';
import type { LocationCode } from '../lambdas/domain/fleet/catalog';

/**
 * Rentals for the counter functions' first responses (bench/cold-start-events.ts): Confirmed ones in their
 * pick-up window for pickUpRental, Active ones for returnRental, one per run, each a hand-over of its
 * own (a rental handed over once answers as it is after). Written straight to the reservations table
 * through the one owner of its item format, on a seeded car.
 */
export interface CounterRentals {
  /** Confirmed, picked up at `location` in half an hour: its window is open. */
  confirmed: string[];
  /** Active since an hour ago, due back now at `location`. */
  active: string[];
  /** Confirmed, picked up in three hours: its window not open yet (a pick-up is refused); photo uploads. */
  early: string;
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const rental = (carId: string, location: LocationCode, status: 'Confirmed' | 'Active', nowMs: number, inHours = 0.5): Reservation => {
  const pickupMs = status === 'Confirmed' ? nowMs + inHours * HOUR : nowMs - HOUR;
  const returnMs = pickupMs + 4 * HOUR;
  const price = { currency: 'USD', dailyMinor: 6_000, days: 1, totalMinor: 6_000 };
  return {
    reservationId: randomUUID(),
    userId: randomUUID(),
    contactEmail: 'bench-customer@example.com',
    carId,
    startDate: iso(pickupMs).slice(0, 10),
    endDate: iso(returnMs + 86_400_000).slice(0, 10),
    pickupAt: iso(pickupMs),
    returnAt: iso(returnMs),
    readyAt: iso(returnMs),
    status,
    price,
    car: { make: 'Toyota', model: 'Corolla', year: 2024, type: 'SEDAN', location },
    paymentOption: 'payNow',
    terms: termsFor(DEFAULT_COUNTER_RULES, 'SEDAN', { currency: 'USD', dailyMinor: 6_000 }, price.totalMinor),
    ...(status === 'Active' ? { pickup: { by: 'bench-agent', at: iso(pickupMs), location, odometerKm: 10_000, fuelLevel: 8 } } : {}),
    createdAt: iso(nowMs - 2 * HOUR),
    updatedAt: iso(nowMs - 2 * HOUR),
  };
};

/** `count` rentals of each kind on `carId` at `location`. */
export const seedCounterRentals = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  carId: string,
  location: LocationCode,
  count: number,
): Promise<CounterRentals> => {
  const nowMs = Date.now();
  const confirmed = Array.from({ length: count }, () => rental(carId, location, 'Confirmed', nowMs));
  const active = Array.from({ length: count }, () => rental(carId, location, 'Active', nowMs));
  const early = rental(carId, location, 'Confirmed', nowMs, 3);
  const items = [...confirmed, ...active, early].map((r) => ({ PutRequest: { Item: toReservationItem(r) } }));
  for (let i = 0; i < items.length; i += 25) {
    await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: items.slice(i, i + 25) } }));
  }
  return {
    confirmed: confirmed.map((r) => r.reservationId),
    active: active.map((r) => r.reservationId),
    early: early.reservationId,
  };
};
