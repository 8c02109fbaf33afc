import { apiHandler, json } from '../lib/http';

/** GET /me — who is signed in, and which groups they belong to. */
export const handler = apiHandler(async (_event, caller) =>
  json(200, { sub: caller.sub, email: caller.email, groups: caller.groups }),
);
