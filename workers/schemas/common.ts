import { z } from "@hono/zod-openapi";
import { isValidTimeZone } from "../../domain/time/time-zone";

export const TimeZoneSchema = z
  .string()
  .refine(isValidTimeZone, "must be an IANA time zone such as America/New_York")
  .openapi({ example: "America/New_York" });

type SecurityRequirement = Record<string, string[]>;

export const operatorSecurity: SecurityRequirement[] = [{ operatorToken: [] }];
export const operatorOrVenueSecurity: SecurityRequirement[] = [{ operatorToken: [] }, { venueKey: [] }];
