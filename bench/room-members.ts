import type { BenchClient } from "./client";
import { load } from "./harness";

/** A signed-in member as a browser is: its id and the `Cookie` header its session sets. */
export type SignedInMember = { id: string; cookie: string };

// On plain-http 127.0.0.1 the session cookie has no `__Host-` prefix (workers/sessions/session-cookie.ts).
const sessionCookiePattern = /(?:^|[,\s])(loyalty_session=[^;]+)/;
// Client addresses for the login-link uses: the per-client limit allows 30 uses per 10 minutes, so
// each member signs in from its own address, as each phone in a real room does.
const clientAddress = (index: number) => `10.21.${(index >> 8) & 255}.${index & 255}`;

/**
 * A community program, a GOLD host (the `scheduleAma` gate) and `listenerCount` listeners, all signed
 * in through operator-issued login links. Setup only: nothing here is timed.
 */
export async function roomMembers(client: BenchClient, listenerCount: number, concurrency: number) {
  const { post, operator } = client;
  const program = await post("/v1/programs", { name: "Bench rooms", preset: "community" });
  if (program.status !== 201) throw new Error(`rooms: creating a community program answered ${program.status} ${JSON.stringify(program.json)}`);
  const programId: string = program.json.id;
  const expect = (what: string, answer: { status: number; json: unknown }, status: number) => {
    if (answer.status !== status) throw new Error(`rooms setup: ${what} answered ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`);
  };

  const signIn = async (index: number, ref: string): Promise<SignedInMember> => {
    const enrolled = await post("/v1/members", { programId, externalRef: ref }, { ...operator, "Idempotency-Key": `bench-room-enroll-${ref}` });
    expect("POST /v1/members", enrolled, 201);
    const id: string = enrolled.json.id;
    const link = await post(`/v1/members/${id}/login-links`, {});
    expect("POST /v1/members/{id}/login-links", link, 201);
    const used = await fetch(`${client.url}/v1/auth/login-links/use`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": clientAddress(index) },
      body: JSON.stringify({ token: link.json.token }),
    });
    const cookie = sessionCookiePattern.exec(used.headers.get("Set-Cookie") ?? "")?.[1];
    if (used.status !== 200 || !cookie) throw new Error(`rooms setup: POST /v1/auth/login-links/use answered ${used.status} ${(await used.text()).slice(0, 300)}`);
    await used.arrayBuffer().catch(() => undefined);
    return { id, cookie };
  };

  // The host qualifies for GOLD: one qualifying action verifies it, a qualifying adjustment lifts its tier.
  const host = await signIn(0, "bench-room-host");
  expect("the host's governance_vote", await post(`/v1/members/${host.id}/actions`, { kind: "governance_vote", sourceId: "bench-first-vote" }, { ...operator, "Idempotency-Key": "bench-room-host-vote" }), 201);
  expect("the host's adjustment", await post(`/v1/members/${host.id}/adjustments`, { points: 10_000, qualifies: true, reason: "bench host" }, { ...operator, "Idempotency-Key": "bench-room-host-gold" }), 201);

  const listeners: SignedInMember[] = [];
  let failure: unknown;
  const started = performance.now();
  await load(listenerCount, concurrency, async (index) => {
    try {
      listeners[index] = await withRetries(() => signIn(index + 1, `bench-room-listener-${index}`));
      if ((index + 1) % 250 === 0) console.log(`  rooms setup: ${index + 1} of ${listenerCount} listeners signed in (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      return true;
    } catch (error) {
      failure ??= error;
      return false;
    }
  });
  if (failure) throw failure;
  return { programId, host, listeners };
}

/**
 * wrangler dev restarts the worker when a source file changes (another engineer at work on this tree)
 * and answers 503 to the requests in flight; setup tries again rather than losing minutes of sign-ins.
 * Enrollment is idempotent by its key, and a fresh login link is issued each try.
 */
async function withRetries<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** The host schedules an AMA and starts it; answers its id. */
export async function liveAma(client: BenchClient, programId: string, host: SignedInMember, appOrigin: string): Promise<string> {
  const headers = { "Content-Type": "application/json", Cookie: host.cookie, Origin: appOrigin };
  const scheduled = await client.post(`/v1/programs/${programId}/amas`, { title: "Bench AMA", startsAt: new Date().toISOString(), plannedMinutes: 120 }, { ...headers, "Idempotency-Key": "bench-room-ama" });
  if (scheduled.status !== 201) throw new Error(`rooms setup: scheduling the AMA answered ${scheduled.status} ${JSON.stringify(scheduled.json)}`);
  const amaId: string = scheduled.json.id;
  const started = await client.post(`/v1/amas/${amaId}/start`, {}, headers);
  if (started.status !== 200) throw new Error(`rooms setup: starting the AMA answered ${started.status} ${JSON.stringify(started.json)}`);
  return amaId;
}
