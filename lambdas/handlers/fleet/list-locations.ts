import { carRepository } from '../../adapters/fleet';
import { fleetRoutes as routes } from '../../api/routes/fleet';
import { branches } from '../../domain/fleet/queries';
import { locationProfile } from '../../domain/rental-time';
import { httpHandler } from '../../http/handler';

const deps = { cars: carRepository() };

/** v1 lists branches and their cars, as it always did; v2 adds each branch's rental terms (zone, hours, turnaround...). */
export const handler = httpHandler(routes.listLocations, async ({ version }) => {
  const listed = await branches(deps);
  if (version === 'v1') return { body: { locations: listed } };
  return {
    body: {
      locations: listed.map((branch) => {
        const { timeZone, openingHours, closedDates, minNoticeMinutes, turnaroundMinutes, gracePeriodMinutes } = locationProfile(
          branch.code as Parameters<typeof locationProfile>[0],
        );
        return {
          ...branch,
          timeZone,
          openingHours,
          closedDates: [...closedDates],
          minNoticeMinutes,
          turnaroundMinutes,
          gracePeriodMinutes,
        };
      }),
    },
  };
});
