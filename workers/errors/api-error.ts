import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A failure the client can act on: it becomes `{"error":{"code","message",...details}}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
