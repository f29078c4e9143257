import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { venues } from "../../db/schema";
import type { AppEnv } from "../../workers/app-env";
import { venueForKey } from "../../workers/auth/require-auth";
import { assertSameOrigin } from "../../workers/auth/same-origin";
import { ApiError } from "../../workers/errors/api-error";
import { limitBody } from "../../workers/middleware/json-body";
import { clientAddress, enforceLimit, signInLimits } from "../../workers/middleware/rate-limit";
import { findProgram } from "../../workers/programs/program-directory";
import { endKioskSession, findKioskSession, startKioskSession } from "../../workers/sessions/kiosk-session";
import { KioskPage } from "../pages/kiosk-page";
import { KioskSignInPage } from "../pages/kiosk-sign-in-page";
import { renderPageError } from "./page-errors";

/** The venue kiosk (tablet): signed in once with the venue key, then a session cookie stands for it. */
export const kioskPages = new Hono<AppEnv>();
kioskPages.onError(renderPageError);
// Form posts are bounded like API bodies: a 60 MB form to /kiosk/sign-in was read in full.
kioskPages.use("*", limitBody);

kioskPages.get("/", async (c) => {
  const kiosk = await findKioskSession(c, Date.now());
  if (!kiosk) return c.html(<KioskSignInPage />);
  const [program, [venue]] = await Promise.all([
    findProgram(c.env.DB, kiosk.programId),
    drizzle(c.env.DB).select({ id: venues.id, name: venues.name, timezone: venues.timezone }).from(venues).where(and(eq(venues.id, kiosk.venueId), eq(venues.programId, kiosk.programId))).limit(1),
  ]);
  if (!venue) throw new ApiError(404, "venue_not_found", "This kiosk's venue no longer exists; sign the kiosk in again.");
  return c.html(<KioskPage venue={venue} program={{ id: program.id, name: program.name, currency: program.config.currency }} />);
});

kioskPages.post("/sign-in", async (c) => {
  assertSameOrigin(c);
  await enforceLimit(c.env, signInLimits.kioskSignIn, clientAddress(c));
  const form = await c.req.parseBody();
  const key = typeof form.venueKey === "string" ? form.venueKey.trim().slice(0, 200) : "";
  const venue = key ? await venueForKey(c.env.DB, key) : null;
  if (!venue) return c.html(<KioskSignInPage error="That venue API key is unknown or was revoked. Check it and try again." />, 401);
  await startKioskSession(c, venue, Date.now());
  return c.redirect("/kiosk", 303);
});

kioskPages.post("/sign-out", async (c) => {
  assertSameOrigin(c);
  await endKioskSession(c);
  return c.redirect("/kiosk", 303);
});
