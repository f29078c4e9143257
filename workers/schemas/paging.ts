import { z } from "@hono/zod-openapi";
import { ApiError } from "../errors/api-error";

export const pageLimitMax = 200;

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50).openapi({ example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "nextCursor from the previous page" }),
});

export const NextCursorSchema = z.string().nullable().openapi({ description: "Pass as cursor for the next page; null on the last page" });

export function encodeCursor(parts: readonly string[]): string {
  return btoa(JSON.stringify(parts)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string, size: number): string[] {
  try {
    const parts: unknown = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(parts) && parts.length === size && parts.every((part) => typeof part === "string")) return parts;
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "invalid_cursor", "cursor is not one this API returned; start again without it");
}
