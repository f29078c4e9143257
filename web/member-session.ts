import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../workers/app-env";
import { requireMember } from "../workers/auth/require-member";
import { ApiError } from "../workers/errors/api-error";

/**
 * A member page: the session as the API checks it (cookie, expiry, sign-out-everywhere, Origin on
 * form posts), but a visitor without a session is sent to sign in instead of answered 401.
 */
export const memberPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  let signedIn = false;
  try {
    await requireMember()(c, async () => {
      signedIn = true;
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return c.redirect("/sign-in", 303);
    throw error;
  }
  if (signedIn) await next();
};
