import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createProgram, operatorToken } from "../../test/api";
import { newKey } from "../../test/ledger";
import { appOrigin, signInByLink } from "../../test/sessions";
import { zonedIso } from "./ama-pages";

type Member = { id: string; cookie: string };

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (cookie: string) => ({ Cookie: cookie, Origin: appOrigin, "Content-Type": "application/x-www-form-urlencoded" });
/** The schedule form's idempotency key on a rendered /amas page. */
const formKey = (html: string) => /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1];
const page = (member: Member, path: string) => call("GET", path, { token: null, headers: { Cookie: member.cookie } });

/** A community program with a GOLD member (a first qualifying vote, then 10,000 qualifying points) and a BRONZE one. */
async function community() {
  const program = await createProgram("Nebula", "community");
  const join = async (points: number): Promise<Member> => {
    const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `page-${crypto.randomUUID()}` } });
    const id = enrolled.json.id as string;
    await call("POST", `/v1/members/${id}/actions`, { body: { kind: "governance_vote", sourceId: "first-vote" }, headers: { "Idempotency-Key": newKey() } });
    if (points > 0) await call("POST", `/v1/members/${id}/adjustments`, { body: { points, reason: "tier for the test", qualifies: true }, headers: { "Idempotency-Key": newKey() } });
    return { id, cookie: (await signInByLink(operatorToken, id)).cookie };
  };
  return { program, gold: await join(10_000), bronze: await join(0), other: await join(0) };
}

const tomorrowAt = (hour: string) => `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T${hour}`;

describe("AMA pages (issue 21)", () => {
  it("reads a datetime-local value in the member's time zone", () => {
    expect(zonedIso("2026-12-05T18:30", "Europe/Berlin")).toBe("2026-12-05T18:30:00.000+01:00");
    expect(zonedIso("2026-07-05T18:30", "America/New_York")).toBe("2026-07-05T18:30:00.000-04:00");
    expect(zonedIso("tomorrow", "UTC")).toBeNull();
  });

  it("shows a BRONZE member what hosting needs in words, and refuses their form post", async () => {
    const { bronze } = await community();
    const list = await page(bronze, "/amas");
    expect(list.status).toBe(200);
    expect(list.json).toContain("No AMAs are planned yet.");
    expect(list.json).toMatch(/To host an AMA you need to reach GOLD: [\d,]+ points to go\./);
    expect(list.json).not.toContain('action="/amas"');
    expect(list.json).toContain('<a href="/amas" aria-current="page">AMAs</a>');
    const posted = await call("POST", "/amas", { token: null, rawBody: form({ idempotencyKey: crypto.randomUUID(), title: "Mine", startsAt: tomorrowAt("18:00"), plannedMinutes: "30" }), headers: formHeaders(bronze.cookie) });
    expect(posted.status).toBe(403);
    expect(posted.json).toMatch(/To host an AMA you need to reach GOLD/);
  });

  it("schedules for a GOLD member with a plain form post, once per key, lists it for everyone and opens its room", async () => {
    const { program, gold, bronze } = await community();
    const list = await page(gold, "/amas");
    const key = formKey(list.json)!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{8,128}$/);
    expect(formKey((await page(gold, "/amas")).json)).not.toBe(key);
    const fields = { idempotencyKey: key, title: "Roadmap AMA", startsAt: tomorrowAt("18:30"), plannedMinutes: "45", speakerCap: "4" };
    const bad = await call("POST", "/amas", { token: null, rawBody: form({ ...fields, title: "Hi", plannedMinutes: "2" }), headers: formHeaders(gold.cookie) });
    expect(bad.status).toBe(422);
    expect(bad.json).toContain("Title: Too small");
    expect(bad.json).toContain("Planned length: Too small");
    expect(bad.json).toContain('value="Hi"');
    const posted = await call("POST", "/amas", { token: null, rawBody: form(fields), headers: formHeaders(gold.cookie) });
    expect(posted.status, posted.json).toBe(303);
    const room = posted.headers.get("Location")!;
    expect(room).toMatch(/^\/amas\/ama_[0-9a-f]+$/);
    // A double tap posts the same key: the same AMA, not a second one.
    const again = await call("POST", "/amas", { token: null, rawBody: form(fields), headers: formHeaders(gold.cookie) });
    expect(again.headers.get("Location")).toBe(room);
    const amaId = room.split("/").pop()!;
    const api = await call("GET", `/v1/programs/${program.id}/amas`, { token: null, headers: { Cookie: bronze.cookie } });
    expect(api.json.amas).toEqual([expect.objectContaining({ id: amaId, title: "Roadmap AMA", plannedMinutes: 45, status: "scheduled" })]);
    const listed = await page(bronze, "/amas");
    expect(listed.json).toContain(`<a href="${room}">Roadmap AMA</a>`);
    expect(listed.json).toMatch(/\w{3} \d{1,2} \w{3}, 18:30 · 45 min/);
    expect(listed.json).toContain("Scheduled");
  });

  it("renders the room's first state: status, host, queue in order, your place and attendance, with the live script", async () => {
    const { program, gold, bronze, other } = await community();
    const scheduled = await call("POST", `/v1/programs/${program.id}/amas`, {
      token: null,
      body: { title: "Launch AMA", startsAt: new Date(Date.now() + 60_000).toISOString(), plannedMinutes: 30 },
      headers: { Cookie: gold.cookie, Origin: appOrigin, "Idempotency-Key": newKey() },
    });
    const amaId = scheduled.json.id as string;
    const before = await page(bronze, `/amas/${amaId}`);
    expect(before.status).toBe(200);
    const html = before.json as string;
    expect(html).toContain("<h1 id=\"ama-title\">Launch AMA</h1>");
    expect(html).toContain(">Scheduled</span>");
    expect(html).toContain("Hands open when the AMA is live.");
    expect(html).toContain("Your hand is not raised.");
    expect(html).toContain("You attended 0 of 15 minutes");
    expect(html).toContain(`data-ama-id="${amaId}"`);
    expect(html).toContain(`data-me="${bronze.id}"`);
    expect(html).toMatch(/data-seq="\d+"/);
    expect(html).toContain('<script type="module" src="/assets/ama-room.js"');
    expect(html).toContain("Join audio");
    // Not the host: no host controls.
    expect(html).not.toContain('data-action="start"');
    expect((await page(gold, `/amas/${amaId}`)).json).toContain('data-action="start"');
    // Live, with two hands raised (the same tier: the earlier hand first).
    const room = env.ROOM.getByName(amaId);
    const nowMs = Date.now();
    expect(await room.command({ type: "start", by: gold.id }, nowMs)).toMatchObject({ ok: true });
    for (const [index, member] of [other, bronze].entries()) {
      await room.command({ type: "arrive", by: member.id }, nowMs + index);
      expect(await room.command({ type: "raiseHand", by: member.id, tierRank: 0 }, nowMs + 10 + index)).toMatchObject({ ok: true });
    }
    const live = (await page(bronze, `/amas/${amaId}`)).json as string;
    expect(live).toContain(">Live now</span>");
    expect(live).toContain("Raised hands (2)");
    expect(live).toContain("Your hand is up: you are 2nd in the queue.");
    expect(live).toContain('data-action="lower_hand"');
    const queue = /<ol class="queue"[^>]*>(.*?)<\/ol>/s.exec(live)![1];
    expect([...queue.matchAll(/data-member-id="([^"]+)"/g)].map((match) => match[1])).toEqual([other.id, bronze.id]);
    expect(queue).toContain(`Member ${other.id.slice(4, 10)}`);
    const hostView = (await page(gold, `/amas/${amaId}`)).json as string;
    expect(hostView).toContain("hosted by you");
    expect(hostView).toContain('data-action="end"');
    expect(hostView).toContain(`data-action="promote" data-member-id="${other.id}"`);
    // Another program's member sees no such AMA.
    const stranger = await community();
    expect((await page(stranger.bronze, `/amas/${amaId}`)).status).toBe(404);
  });
});
