import { TZDate } from "@date-fns/tz";
import { Hono } from "hono";
import type { AppEnv } from "../../workers/app-env";
import { ApiError } from "../../workers/errors/api-error";
import { accessFor } from "../../workers/gates/gate-facts";
import { callActor } from "../../workers/ledger/call-actor";
import { limitBody } from "../../workers/middleware/json-body";
import { findProgram } from "../../workers/programs/program-directory";
import { ScheduleAmaSchema, amaForMember, scheduleAmaAs, toAma, upcomingAmas } from "../../workers/routes/amas";
import { signedInMember } from "../../workers/routes/me";
import { programNames } from "../member-data";
import { memberPage } from "../member-session";
import { AmaRoomPage } from "../pages/ama-room-page";
import { AmasPage, type ScheduleForm, emptyScheduleValues } from "../pages/amas-page";
import { renderPageError } from "./page-errors";

/** The AMA pages: the program's AMAs with the schedule form, and an AMA's live room. */
export const amaPages = new Hono<AppEnv>();
amaPages.onError(renderPageError);

const idempotencyKeyPattern = /^[A-Za-z0-9_-]{8,128}$/;
const scheduleGate = "scheduleAma";

type Member = { memberId: string; programId: string };

/** The list page for `member`; `form` carries a failed post's values and errors, otherwise a fresh key each render (see the rewards page). */
async function amasPage(env: Env, member: Member, form?: Omit<ScheduleForm, "idempotencyKey"> & { idempotencyKey?: string }) {
  const [amas, gates, view, words, program] = await Promise.all([
    upcomingAmas(env.DB, member.programId),
    accessFor(env, member.memberId),
    callActor(env.MEMBER, member.memberId, (actor) => actor.view()),
    programNames(env.DB, member.programId),
    findProgram(env.DB, member.programId),
  ]);
  if (view.status === 404) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  const gate = gates.find((entry) => entry.gate === scheduleGate)?.result ?? null;
  return (
    <AmasPage
      program={words.program}
      timezone={view.body.timezone}
      amas={amas}
      gate={gate}
      tiers={program.config.tiers}
      lifetimePoints={view.body.points.lifetime}
      form={{ idempotencyKey: form?.idempotencyKey ?? crypto.randomUUID(), values: form?.values ?? emptyScheduleValues, errors: form?.errors ?? [] }}
    />
  );
}

amaPages.get("/amas", memberPage, async (c) => c.html(await amasPage(c.env, signedInMember(c.get("principal")))));

/**
 * The schedule form's post: the gate and the body are checked as the API checks them (the same
 * gate, the same zod schema, the same scheduling call), then the host lands in the room.
 */
amaPages.post("/amas", limitBody, memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const form = await c.req.parseBody();
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string).slice(0, 200) : "");
  const values = { title: text("title"), startsAt: text("startsAt"), plannedMinutes: text("plannedMinutes"), speakerCap: text("speakerCap") };
  const key = idempotencyKeyPattern.test(text("idempotencyKey")) ? text("idempotencyKey") : null;
  const again = (status: 403 | 409 | 422, errors: string[], keepKey = true) =>
    amasPage(c.env, member, { values, errors, idempotencyKey: keepKey && key ? key : undefined }).then((page) => c.html(page, status));
  if (!key) return again(422, ["This form is out of date. Try again."], false);
  const gate = (await accessFor(c.env, member.memberId)).find((entry) => entry.gate === scheduleGate);
  // The page shows what the gate needs in place of the form.
  if (!gate?.result.pass) return again(403, []);
  const view = await callActor(c.env.MEMBER, member.memberId, (actor) => actor.profile());
  const timezone = view.status === 200 ? view.body.timezone : "UTC";
  const parsed = ScheduleAmaSchema.safeParse({
    title: values.title,
    startsAt: zonedIso(values.startsAt, timezone) ?? values.startsAt,
    plannedMinutes: Number(values.plannedMinutes),
    ...(values.speakerCap.trim() === "" ? {} : { speakerCap: Number(values.speakerCap) }),
  });
  if (!parsed.success) return again(422, parsed.error.issues.map((issue) => `${fieldNames[String(issue.path[0])] ?? "The form"}: ${issue.message}.`));
  try {
    const ama = await scheduleAmaAs(c.env, member, key, parsed.data);
    return c.redirect(`/amas/${ama.id}`, 303);
  } catch (error) {
    // A changed form posted with the same key: the member gets a fresh key and tries again.
    if (error instanceof ApiError && error.status === 422) return again(422, [error.message], error.code !== "idempotency_key_reused");
    throw error;
  }
});

amaPages.get("/amas/:id", memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const ama = await amaForMember(c.env.DB, c.req.param("id").slice(0, 64), member.programId);
  const [[room, attendance], view, words] = await Promise.all([
    callActor(c.env.ROOM, ama.id, async (stub) => [await stub.snapshot(), await stub.attendance(member.memberId)] as const),
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.profile()),
    programNames(c.env.DB, member.programId),
  ]);
  if (!room) throw new ApiError(404, "ama_not_found", "This AMA's room is not open yet. Try again in a moment.");
  const timezone = view.status === 200 ? view.body.timezone : words.program.timezone;
  // The host is not paid for attending their own AMA: no attendance figure on their page.
  const figure = attendance && ama.hostMemberId !== member.memberId ? { attendedMs: attendance.attendedMs, thresholdMs: attendance.thresholdMs, paid: attendance.credit === "paid" } : null;
  return c.html(<AmaRoomPage program={words.program} timezone={timezone} me={member.memberId} ama={toAma(ama)} room={room} attendance={figure} />);
});

const fieldNames: Record<string, string> = { title: "Title", startsAt: "Start", plannedMinutes: "Planned length", speakerCap: "Speakers on stage" };

/** A datetime-local value ("2026-12-05T18:30"), read in the member's time zone, as an ISO time with its offset; null if it is not one. */
export function zonedIso(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const zoned = new TZDate(year, month - 1, day, hour, minute, 0, timeZone);
  return Number.isNaN(zoned.getTime()) ? null : zoned.toISOString();
}
