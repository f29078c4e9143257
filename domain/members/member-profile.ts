import { z } from "@hono/zod-openapi";

export const MemberProfileSchema = z
  .object({
    id: z.string().openapi({ example: "mem_3k9x0c7w2h4m8q1t5v6b9n2d" }),
    programId: z.string(),
    externalRef: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    birthday: z.string().nullable().openapi({ description: "MM-DD", example: "07-14" }),
    timezone: z.string().openapi({ example: "America/New_York" }),
    referralCode: z.string(),
    referredBy: z.string().nullable().openapi({ description: "Member id of the referrer" }),
    tier: z.string().openapi({ example: "BRONZE" }),
    enrolledVia: z.string().openapi({ description: "operator, or the venue id whose key enrolled the member" }),
    enrolledAt: z.string().openapi({ example: "2026-11-25T12:00:00.000Z" }),
  })
  .openapi("Member");

export type MemberProfile = z.infer<typeof MemberProfileSchema>;
