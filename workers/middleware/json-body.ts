import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors/api-error";
import { jsonDepthMax, nestsDeeperThan } from "./json-depth";

export const requestBytesMax = 64 * 1024;

/** Bodies over 64 KiB are refused with 413 before anything reads them. */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: requestBytesMax,
  onError: () => {
    throw new ApiError(413, "payload_too_large", `Request bodies are limited to ${requestBytesMax} bytes`);
  },
});

const methodsWithBody = new Set(["POST", "PUT", "PATCH"]);

/**
 * A body that is not JSON is a 400 naming the fix, rather than a confusing list of missing fields.
 * A JSON body nested deeper than `jsonDepthMax` is a 400 before JSON.parse sees it: parsing, hashing
 * and merging recurse, and 2,000 levels answered 500. The text read here is cached by Hono, so the
 * route's validator parses the same bytes (already size-limited by `limitBody`).
 */
export const requireJsonBody: MiddlewareHandler = async function requireJsonBody(c, next) {
  const hasBody = c.req.header("content-length") !== undefined ? c.req.header("content-length") !== "0" : c.req.raw.body !== null;
  if (!methodsWithBody.has(c.req.method) || !hasBody) return next();
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new ApiError(400, "unsupported_content_type", "Send the body as JSON with Content-Type: application/json");
  }
  if (nestsDeeperThan(await c.req.text(), jsonDepthMax)) {
    throw new ApiError(400, "body_too_deep", `JSON bodies may nest arrays and objects at most ${jsonDepthMax} levels deep; flatten the body`);
  }
  await next();
};
