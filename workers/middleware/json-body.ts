import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors/api-error";

export const requestBytesMax = 64 * 1024;

/** Bodies over 64 KiB are refused with 413 before anything reads them. */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: requestBytesMax,
  onError: () => {
    throw new ApiError(413, "payload_too_large", `Request bodies are limited to ${requestBytesMax} bytes`);
  },
});

const methodsWithBody = new Set(["POST", "PUT", "PATCH"]);

/** A body that is not JSON is a 400 naming the fix, rather than a confusing list of missing fields. */
export const requireJsonBody: MiddlewareHandler = async function requireJsonBody(c, next) {
  const hasBody = c.req.header("content-length") !== undefined ? c.req.header("content-length") !== "0" : c.req.raw.body !== null;
  const contentType = c.req.header("content-type") ?? "";
  if (methodsWithBody.has(c.req.method) && hasBody && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new ApiError(400, "unsupported_content_type", "Send the body as JSON with Content-Type: application/json");
  }
  await next();
};
