import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call } from "../../test/api";
import { callsOn, channelProgram, failNext } from "../../test/chat-channels";
import { newKey } from "../../test/ledger";

const eventually = { timeout: 20_000, interval: 200 };
const sendsTo = async (groupId: string) => (await callsOn(groupId)).filter((entry) => entry.command === "send_group_msg");

describe("operator announcements to channels by tier", () => {
  it("posts to every channel only members of minTier and above can open, once, and a replay answers the first answer", async () => {
    const { program, groups } = await channelProgram();
    const key = newKey("announce");
    const body = { text: "Founders call at 18:00 UTC", minTier: "SILVER" };
    const first = await call("POST", `/v1/programs/${program.id}/announcements`, { body, headers: { "Idempotency-Key": key } });
    expect(first.status).toBe(202);
    expect(first.json.channels).toEqual([
      { gate: "channel:alpha-signals", groupId: groups.alpha },
      { gate: "channel:founders-room", groupId: groups.founders },
    ]);
    const status = () => call("GET", `/v1/programs/${program.id}/announcements/${first.json.id}`);
    await vi.waitUntil(async () => (await status()).json.deliveries.every((delivery: { status: string }) => delivery.status === "sent"), eventually);

    const replay = await call("POST", `/v1/programs/${program.id}/announcements`, { body, headers: { "Idempotency-Key": key } });
    expect([replay.status, replay.headers.get("Idempotent-Replayed")]).toEqual([202, "true"]);
    expect(replay.json).toEqual(first.json);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM chat_announcements WHERE program_id = ?").bind(program.id).first<{ n: number }>();
    expect(rows?.n).toBe(1);
    // The replay's re-enqueue finds nothing pending: each group got the message once, #general never.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await sendsTo(groups.alpha)).filter((entry) => entry.errorCode === 0)).toHaveLength(1);
    expect((await sendsTo(groups.founders)).filter((entry) => entry.errorCode === 0)).toHaveLength(1);
    expect(await sendsTo(groups.general)).toEqual([]);

    const reused = await call("POST", `/v1/programs/${program.id}/announcements`, { body: { ...body, text: "another" }, headers: { "Idempotency-Key": key } });
    expect([reused.status, reused.json.error.code]).toEqual([422, "idempotency_key_reused"]);
  }, 45_000);

  it("retries a delivery Tencent refused until it is sent, without posting twice where it succeeded", async () => {
    const { program, groups } = await channelProgram();
    await failNext(1, groups.founders);
    const posted = await call("POST", `/v1/programs/${program.id}/announcements`, { body: { text: "Early access opens", channels: ["channel:founders-room", "channel:general"] }, headers: { "Idempotency-Key": newKey("announce") } });
    expect(posted.status).toBe(202);
    const status = () => call("GET", `/v1/programs/${program.id}/announcements/${posted.json.id}`);
    await vi.waitUntil(async () => (await status()).json.deliveries.every((delivery: { status: string }) => delivery.status === "sent"), eventually);
    const founders = (await status()).json.deliveries.find((delivery: { gate: string }) => delivery.gate === "channel:founders-room");
    expect(founders).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect((await sendsTo(groups.founders)).map((entry) => entry.errorCode)).toEqual([10002, 0]);
    expect((await sendsTo(groups.general)).map((entry) => entry.errorCode)).toEqual([0]);
  }, 45_000);

  it("refuses what it cannot deliver: no key, an unknown tier, an unmapped channel, both targets", async () => {
    const { program } = await channelProgram();
    const post = (body: object, headers: Record<string, string> = { "Idempotency-Key": newKey("announce") }) => call("POST", `/v1/programs/${program.id}/announcements`, { body, headers });
    expect((await post({ text: "hi", minTier: "GOLD" }, {})).json.error.code).toBe("idempotency_key_missing");
    expect((await post({ text: "hi", minTier: "EMERALD" })).json.error).toMatchObject({ code: "unknown_tier" });
    expect((await post({ text: "hi", channels: ["channel:diamond-lounge"] })).json.error).toMatchObject({ code: "unknown_channel" });
    expect((await post({ text: "hi", minTier: "GOLD", channels: ["channel:general"] })).status).toBe(422);
    const stranger = await call("POST", `/v1/programs/${program.id}/announcements`, { token: "nope", body: { text: "hi", minTier: "GOLD" }, headers: { "Idempotency-Key": newKey("announce") } });
    expect(stranger.status).toBe(401);
  });
});
