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
/** A signed-in kiosk's cookie stands for its venue key wherever a venue key is accepted. */
export const venueSecurity: SecurityRequirement[] = [{ venueKey: [] }, { kioskSession: [] }];
export const operatorOrVenueSecurity: SecurityRequirement[] = [{ operatorToken: [] }, ...venueSecurity];
export const memberSecurity: SecurityRequirement[] = [{ memberSession: [] }];

/** A Sign-In with Ethereum message (EIP-4361) and its signature, to sign in or to link a wallet. */
/** An Ethereum address as wallets give it: 0x and 20 bytes of hex (any case). */
export const AddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address");

export const SignedMessageSchema = z
  .object({
    message: z.string().min(1).max(4_096),
    signature: z.string().regex(/^0x[0-9a-fA-F]{2,2000}$/, "a 0x-prefixed hex signature"),
  })
  .strict()
  .openapi("SignedMessage");
