import { z } from "@hono/zod-openapi";
import { isValidTimeZone } from "../../domain/time/time-zone";

export const TimeZoneSchema = z
  .string()
  .refine(isValidTimeZone, "must be an IANA time zone such as America/New_York")
  .openapi({ example: "America/New_York" });

/** `{id}` in a route's path. */
export const IdParamsSchema = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

type SecurityRequirement = Record<string, string[]>;

export const operatorSecurity: SecurityRequirement[] = [{ operatorToken: [] }];
export const operatorOrVenueSecurity: SecurityRequirement[] = [{ operatorToken: [] }, { venueKey: [] }];
export const memberSecurity: SecurityRequirement[] = [{ memberSession: [] }];
