import * as z from '../validation';
import { defineRoute } from './contract';

export const meSchema = z.object({
  sub: z.string(),
  email: z.optional(z.string()),
  groups: z.array(z.string()),
});
export type Me = z.output<typeof meSchema>;

/** Who the caller is. Works with an ID token or an access token. */
export const getMe = defineRoute({
  operationId: 'getMe',
  method: 'GET',
  path: '/v1/me',
  auth: 'user',
  tag: 'accounts',
  summary: 'The signed-in person: ID, e-mail and groups',
  status: 200,
  response: meSchema,
  errors: [],
});
