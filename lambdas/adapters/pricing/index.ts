import { tableName } from '../../shared/config';
import { documentClient } from '../dynamodb';
import { DynamoPricingRules } from './pricing-rules';

/** The pricing rules' store (in the cars table), built once per function instance. */
let rules: DynamoPricingRules | undefined;
export const pricingRules = (): DynamoPricingRules => (rules ??= new DynamoPricingRules(documentClient(), tableName('cars')));
