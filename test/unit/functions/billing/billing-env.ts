import '../../helpers/env';

/** The StripeSecret's variable, which the billing handlers read at module scope (besides TEST_ENV). */
export const STRIPE_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:StripeSecret-AbCdEf';
process.env.STRIPE_SECRET_ARN = STRIPE_SECRET_ARN;

/** The account the fakes hand the handlers. */
export const ACCOUNT = { secretKey: 'sk_test_unit0123456789', webhookSecret: 'whsec_unit0123456789abcdef' } as const;
