/**
 * v2 rental times, as pure domain rules: location profiles (zone, hours, notice, turnaround, grace),
 * local date-time parsing and formatting, the checks on a rental's times, billing by started 24 hours,
 * and the one interval rule with turnaround (and v1's day periods on it).
 */
export { LOCATION_PROFILES, WEEKDAYS, locationProfile, type LocationProfile, type OpeningHours, type Weekday } from './locations';
export { formatRentalTime, localDate, localDayStartMs, parseRentalTime, type ParsedTime } from './local-time';
export { MIN_RENTAL_MINUTES, rentalProblems, type RentalLimits, type RentalProblem, type RentalProblemCode } from './rules';
export { billedDays, periodPriceMinor } from './billing';
export { readyAt, rentalInterval } from './interval';
export { resolveRentalTimes, type RentalTimeProblem, type RentalTimes, type RentalTimesInput } from './rental';
