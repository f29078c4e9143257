import { Hono } from "hono";
import type { AppEnv } from "../../workers/app-env";
import { ApiError } from "../../workers/errors/api-error";
import { callActor } from "../../workers/ledger/call-actor";
import { limitBody } from "../../workers/middleware/json-body";
import { findProgram } from "../../workers/programs/program-directory";
import { catalogForMember } from "../../workers/rewards/member-catalog";
import { redeemForPrincipal } from "../../workers/rewards/redeem-flow";
import { signedInMember } from "../../workers/routes/me";
import { clearSessionCookie } from "../../workers/sessions/session-cookie";
import { endSession } from "../../workers/sessions/session-store";
import { endSessionsAndLinks } from "../../workers/sessions/sign-out-everywhere";
import { normalizeCode } from "../../domain/rewards/redemption-code";
import { claimStreak } from "../../workers/community/community-calls";
import { accessFor } from "../../workers/gates/gate-facts";
import { dashboardData, programNames } from "../member-data";
import { AccessPage } from "../pages/access-page";
import { memberPage } from "../member-session";
import { DashboardPage } from "../pages/dashboard-page";
import { LoginLinkPage } from "../pages/login-link-page";
import { RedemptionPage } from "../pages/redemption-page";
import { RewardsPage } from "../pages/rewards-page";
import { SignInPage } from "../pages/sign-in-page";
import { renderPageError } from "./page-errors";

/** The member portal: server-rendered pages over the same flows as the API; forms work without script. */
export const memberPages = new Hono<AppEnv>();
memberPages.onError(renderPageError);

// Each form post is bounded like an API body (limitBody, 64 KiB), route by route: a wildcard
// middleware here would wrap every route of the app, mounted at "/", in the pages' error handler.
const idempotencyKeyPattern = /^[A-Za-z0-9_-]{8,128}$/;

memberPages.get("/sign-in", async (c) => {
  const programId = c.req.query("program");
  const referralCode = c.req.query("ref")?.slice(0, 32) ?? null;
  if (!programId) return c.html(<SignInPage program={null} referralCode={referralCode} />);
  const program = await findProgram(c.env.DB, programId.slice(0, 64)).catch(() => null);
  if (!program) return c.html(<SignInPage program={null} referralCode={null} error="This sign-in link names no program we know. Check the link you were given." />, 404);
  return c.html(<SignInPage program={{ id: program.id, name: program.name, community: program.config.community !== undefined }} referralCode={referralCode} />);
});

memberPages.get("/login", (c) => c.html(<LoginLinkPage />));

memberPages.get("/", memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const data = await dashboardData(c.env, member.memberId, member.programId);
  if (!data) return c.redirect("/sign-in", 303);
  return c.html(<DashboardPage data={data} appOrigin={c.env.APP_ORIGIN} nowMs={Date.now()} />);
});

async function rewardsPage(env: Env, principal: ReturnType<typeof signedInMember> & { kind: "member"; sessionHash: string }, error?: string) {
  const [catalog, view, words] = await Promise.all([
    catalogForMember(env, principal, principal.memberId, {}),
    callActor(env.MEMBER, principal.memberId, (member) => member.view()),
    programNames(env.DB, principal.programId),
  ]);
  const available = view.status === 200 ? view.body.points.available : 0;
  const community = view.status === 200 && view.body.week !== null;
  // One key per render and reward: a key shared by every form made the second redemption 422 idempotency_key_reused.
  const forms = catalog.map((entry) => ({ ...entry, redeemKey: crypto.randomUUID() }));
  return <RewardsPage program={words.program} available={available} catalog={forms} community={community} error={error} />;
}

memberPages.get("/rewards", memberPage, async (c) => {
  const principal = c.get("principal");
  if (principal.kind !== "member") throw new ApiError(401, "unauthorized", "Sign in first");
  return c.html(await rewardsPage(c.env, principal));
});

memberPages.post("/rewards/:id/redeem", limitBody, memberPage, async (c) => {
  const principal = c.get("principal");
  if (principal.kind !== "member") throw new ApiError(401, "unauthorized", "Sign in first");
  const form = await c.req.parseBody();
  const key = typeof form.idempotencyKey === "string" && idempotencyKeyPattern.test(form.idempotencyKey) ? form.idempotencyKey : null;
  if (!key) return c.html(await rewardsPage(c.env, principal, "This form is out of date. Try again."), 422);
  const rewardId = c.req.param("id").slice(0, 64);
  try {
    const reply = await redeemForPrincipal(c.env, c.executionCtx, principal, { memberId: principal.memberId, rewardId }, key, false);
    if (reply.status >= 400) {
      const { error } = reply.body as { error: { message: string } };
      return c.html(await rewardsPage(c.env, principal, error.message), reply.status as 422);
    }
    return c.redirect(`/redemptions/${(reply.body as { code: string }).code}`, 303);
  } catch (error) {
    if (error instanceof ApiError) return c.html(await rewardsPage(c.env, principal, error.message), error.status);
    throw error;
  }
});

memberPages.get("/redemptions/:code", memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const code = normalizeCode(c.req.param("code"));
  const [redemptions, view] = await Promise.all([
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.redemptions(200)),
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.profile()),
  ]);
  const redemption = redemptions?.find((candidate) => candidate.code === code);
  if (!redemption) throw new ApiError(404, "redemption_not_found", "You have no redemption with this code.");
  const words = await programNames(c.env.DB, member.programId, [redemption.rewardId]);
  const timezone = view.status === 200 ? view.body.timezone : words.program.timezone;
  const program = await findProgram(c.env.DB, member.programId);
  return c.html(<RedemptionPage redemption={redemption} rewardName={words.names.reward(redemption.rewardId)} timezone={timezone} community={program.config.community !== undefined} />);
});

memberPages.post("/sign-out", limitBody, memberPage, async (c) => {
  const principal = c.get("principal");
  if (principal.kind === "member") await endSession(c.env.DB, principal.sessionHash);
  clearSessionCookie(c);
  return c.redirect("/sign-in", 303);
});

memberPages.post("/sign-out-everywhere", limitBody, memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  await endSessionsAndLinks(c.env, member.memberId);
  clearSessionCookie(c);
  return c.redirect("/sign-in", 303);
});

memberPages.post("/streak/claim", limitBody, memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const reply = await claimStreak(c.env, member.memberId, undefined);
  // Claimed, or already claimed today (a double tap): either way the dashboard shows the streak as it is.
  if (reply.status >= 300 && reply.status !== 409) {
    const { error } = reply.body as { error: { message: string } };
    throw new ApiError(reply.status as 422, "streak_claim_failed", error.message);
  }
  return c.redirect("/#streak", 303);
});

memberPages.get("/access", memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const [gates, view, words] = await Promise.all([
    accessFor(c.env, member.memberId),
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.view()),
    programNames(c.env.DB, member.programId),
  ]);
  if (view.status === 404) return c.redirect("/sign-in", 303);
  const program = await findProgram(c.env.DB, member.programId);
  return c.html(<AccessPage program={words.program} tier={view.body.tier} lifetimePoints={view.body.points.lifetime} tiers={program.config.tiers} gates={gates} />);
});
