import { z } from "@hono/zod-openapi";
import type { MemberEvent, MemberEventKind } from "../../durable-objects/member/member-events";

/**
 * The event versions this consumer can project. During a deploy, actors running newer code can
 * send a newer version before this consumer is replaced; such events must wait for the new
 * consumer (retry), never be acknowledged and lost.
 */
export const understoodEventVersions: readonly number[] = [1];

// Generous on purpose: some ids are built from others (a settlement's is `redemptionId:venueId`),
// and a bound tighter than the actor's own ids would send good events to the dead-letter queue.
const idLengthMax = 256;
const id = z.string().min(1).max(idLengthMax);
const count = z.number().int();

// A Queue message is at most 128 KB, which bounds the arrays below.
export const MemberEventSchema = z.object({
  v: z.literal(1),
  memberId: id,
  programId: id,
  seq: count.positive(),
  atMs: count,
  // Projections never read the kind, and `v` alone governs the shape: an event of a kind added in
  // the same deploy must not wait for this consumer, so any short name passes.
  kind: z.custom<MemberEventKind>((value) => typeof value === "string" && value.length > 0 && value.length <= idLengthMax, "must be an event kind"),
  snapshot: z.object({
    tier: z.string().min(1).max(idLengthMax),
    available: count,
    lifetimePoints: count,
    lifetimeSpendCents: count,
    visits: count,
    debt: count,
  }),
  venues: z.array(z.object({ venueId: id, visits: count, spendCents: count })),
  settlements: z.array(
    z.object({
      id,
      programId: id,
      redemptionId: id,
      earningVenueId: id,
      redeemingVenueId: id,
      points: count,
      valueCents: count,
      feeCents: count,
      atMs: count,
    }),
  ),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
}) satisfies z.ZodType<MemberEvent>;

/** Just enough of any version to know whose event it is and which version it speaks. */
const EnvelopeSchema = z.object({ v: z.number().int(), memberId: id });

export type ReadMemberEvent = { ok: true; event: MemberEvent } | { ok: false; problem: string };

/** Reads a Queue message body without throwing: a bad body must not fail the messages beside it. */
export function readMemberEvent(body: unknown): ReadMemberEvent {
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, problem: `not a member event: ${issues(envelope.error)}` };
  const { v, memberId } = envelope.data;
  if (!understoodEventVersions.includes(v)) {
    return { ok: false, problem: `event version ${v} of ${memberId} is not one this consumer reads (${understoodEventVersions.join(", ")}); kept for a consumer that does` };
  }
  const event = MemberEventSchema.safeParse(body);
  if (!event.success) return { ok: false, problem: `malformed v${v} event of ${memberId}: ${issues(event.error)}` };
  return { ok: true, event: event.data };
}

/** Every problem on one log line, each with its path. */
function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "body"}: ${issue.message}`).join("; ");
}

/** The memberId of any body that names one, whatever its version: enough to rebuild from the actor. */
export function memberIdOf(body: unknown): string | null {
  const envelope = EnvelopeSchema.pick({ memberId: true }).safeParse(body);
  return envelope.success ? envelope.data.memberId : null;
}
