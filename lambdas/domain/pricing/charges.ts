import type { GroupedLine } from './lines';
import { applyBasisPoints, timesQuantity } from '../money';
import type { Charge } from './rules';

/**
 * A location's fees (FEE:<name>) and taxes (TAX:<name>). A percentage is computed on the sum of the
 * already rounded lines of the groups it applies to, then rounded half-even once; so a tax is exactly
 * its rate of the amounts the customer sees, never of unrounded intermediate prices. Fees come before
 * taxes and are never computed on fees; taxes are never computed on taxes.
 */
export const chargeLines = (kind: Charge['kind'], charges: readonly Charge[], lines: readonly GroupedLine[], days: number): GroupedLine[] =>
  charges
    .filter((charge) => charge.kind === kind)
    .map((charge): GroupedLine => {
      const code = `${kind === 'fee' ? 'FEE' : 'TAX'}:${charge.name}`;
      const group = kind === 'fee' ? 'fees' : 'tax';
      if (charge.percentBp !== undefined) {
        const groups = new Set<string>(charge.appliesTo ?? []);
        const base = lines.filter((line) => groups.has(line.group)).reduce((sum, line) => sum + line.amountMinor, 0);
        const amountMinor = applyBasisPoints(base, charge.percentBp);
        return { code, label: charge.label, quantity: 1, unitMinor: amountMinor, amountMinor, group };
      }
      const unitMinor = charge.fixedMinor ?? 0;
      const quantity = charge.per === 'day' ? days : 1;
      return { code, label: charge.label, quantity, unitMinor, amountMinor: timesQuantity(unitMinor, quantity), group };
    })
    .filter((line) => line.amountMinor !== 0);

/**
 * A location's taxes that also apply to what a rental is charged after its quote (the return's late,
 * fuel and mileage lines): the percentages. A fixed tax (per rental or per day) was charged with the
 * quote, once; `chargeLines('tax', …)` computes these on the later lines exactly as on the quote's.
 */
export const percentageTaxes = (charges: readonly Charge[]): Charge[] =>
  charges.filter((charge) => charge.kind === 'tax' && charge.percentBp !== undefined);
