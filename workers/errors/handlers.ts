import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { ApiError } from "./api-error";

export function validationError(error: ZodError, where: string): ApiError {
  const fields = error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join(".") : where,
    message: issue.message,
  }));
  const summary = fields.map((field) => `${field.path}: ${field.message}`).join("; ");
  return new ApiError(422, "validation_failed", `Invalid ${where}: ${summary}`, { fields });
}

/** The one validation hook for every route: a schema failure is a 422 naming each failing field. */
export function defaultHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
): void {
  if (!result.success) throw validationError(result.error, result.target === "json" ? "body" : result.target);
}

export function onError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return c.json(error.toBody(), error.status, error.headers);
  if (error instanceof HTTPException && error.status < 500) {
    const code = error.status === 400 ? "malformed_json" : error.status === 413 ? "payload_too_large" : "bad_request";
    return c.json({ error: { code, message: error.message || "Bad request" } }, error.status);
  }
  const overloaded = (error as { overloaded?: boolean }).overloaded === true;
  if (overloaded) {
    return c.json({ error: { code: "overloaded", message: "This member is receiving too many requests; retry shortly" } }, 503);
  }
  console.error("unhandled error", error);
  return c.json({ error: { code: "internal_error", message: "Something went wrong on our side; the request may be retried with the same Idempotency-Key" } }, 500);
}

export function notFound(c: Context): Response {
  return c.json(
    { error: { code: "route_not_found", message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}; see /docs` } },
    404,
  );
}
