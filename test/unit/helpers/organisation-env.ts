/**
 * The `Mail` grant's variable, for the invitation handlers' module-scope
 * wiring (functions/lib/mail.ts). Import after './env', before any handler.
 */
process.env.MAIL_FROM ??= 'studio@test.example.com';
export {};
