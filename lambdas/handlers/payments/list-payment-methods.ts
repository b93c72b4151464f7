import * as z from '../../shared/zod';
import { paymentRoutes as routes } from '../../api/routes/payments';
import { PAYMENT_METHODS } from '../../domain/payments/methods';
import { httpHandler } from '../../http/handler';

// Generated from the registry once per instance: adding a method shows it here with its fields.
const body = {
  methods: PAYMENT_METHODS.map((m) => {
    const { $schema: _s, ...details } = z.toJSONSchema(m.details, { io: 'input' }) as Record<string, unknown>;
    return { id: m.id, label: m.label, details };
  }),
};

export const handler = httpHandler(routes.listPaymentMethods, async () => ({ body, headers: { 'cache-control': 'public, max-age=300' } }));
