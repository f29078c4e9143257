import { z } from "@hono/zod-openapi";

export const ErrorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string().openapi({ example: "validation_failed" }),
        message: z.string().openapi({ example: "email: Invalid email address" }),
        fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      })
      .passthrough()
      .openapi({ additionalProperties: true, description: "Rule failures may add details, e.g. required and current for tier gates" }),
  })
  .openapi("Error");

const descriptions = {
  400: "Malformed request (bad JSON, missing Idempotency-Key, wrong content type)",
  401: "Missing or wrong credentials",
  403: "The credentials may not act on this resource",
  404: "No such resource",
  409: "Conflict with the current state",
  413: "Request body larger than 64 KiB",
  422: "Validation or business-rule failure",
  429: "Rate limited",
  503: "A service this request needs did not answer in time (the chain, an overloaded actor); retry shortly",
} as const;

type ErrorStatus = keyof typeof descriptions;

/** The OpenAPI `responses` entries for the error statuses a route can answer. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status], content: { "application/json": { schema: ErrorBodySchema } } },
    ]),
  ) as unknown as { [K in S]: { description: string; content: { "application/json": { schema: typeof ErrorBodySchema } } } };
}
