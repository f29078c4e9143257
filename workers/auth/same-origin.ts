import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** CSRF defence for cookie-authenticated writes, on top of SameSite: their Origin must be APP_ORIGIN. */
export function assertSameOrigin(c: Context<AppEnv>): void {
  if (!safeMethods.has(c.req.method) && c.req.header("Origin") !== c.env.APP_ORIGIN) {
    throw new ApiError(403, "cross_origin_refused", `A signed-in write must come from ${c.env.APP_ORIGIN}; this request's Origin is ${c.req.header("Origin") ?? "missing"}`);
  }
}
