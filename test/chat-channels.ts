import { call, createProgram } from "./api";
import { fakeTencentChatUrl } from "./fake-tencent-chat";
import { newKey } from "./ledger";

/** Steers the Chat fake (test/fake-tencent-chat.ts) over its control paths; workerd tests cannot reach its memory. */
export async function fakeChat<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${fakeTencentChatUrl}/__fake/${path}`, init);
  return (await response.json()) as T;
}

/** Who the fake has in a group (the admin owner excluded). */
export async function groupMembers(groupId: string): Promise<string[]> {
  return (await fakeChat<{ members: string[] }>(`groups/${encodeURIComponent(groupId)}`)).members;
}

export type FakeCall = { command: string; groupId: string | null; accounts: string[]; errorCode: number };
export const callsOn = (groupId: string) => fakeChat<FakeCall[]>(`calls?groupId=${encodeURIComponent(groupId)}`);
export const failNext = (count: number, groupId?: string) => fakeChat("fail", { method: "POST", body: JSON.stringify({ count, groupId }) });

/**
 * A community program whose general, alpha-signals (SILVER) and founders-room (GOLD) channels map to
 * groups of its own (ids unique to the program: the fake is shared by every test file).
 * `withGroups: false` leaves the map empty until `mapGroups()`.
 */
export async function channelProgram(options: { withGroups?: boolean } = {}) {
  const suffix = crypto.randomUUID().slice(0, 8);
  const groups = { general: `@TGS#gen-${suffix}`, alpha: `@TGS#alpha-${suffix}`, founders: `@TGS#found-${suffix}` };
  const chatGroups = { "channel:general": groups.general, "channel:alpha-signals": groups.alpha, "channel:founders-room": groups.founders };
  const program = await createProgram("Nebula", "community", {
    community: options.withGroups === false ? {} : { chatGroups },
  });
  const mapGroups = async (map: Record<string, string> = chatGroups) => {
    const patched = await call("PATCH", `/v1/programs/${program.id}/config`, { body: { overrides: { community: { chatGroups: map } } } });
    if (patched.status !== 200) throw new Error(`config: ${JSON.stringify(patched.json)}`);
  };
  const enroll = async () => {
    const enrolled = await call("POST", "/v1/members", { body: { programId: program.id, externalRef: `chat-${crypto.randomUUID()}` } });
    if (enrolled.status !== 201) throw new Error(`enroll: ${JSON.stringify(enrolled.json)}`);
    return enrolled.json.id as string;
  };
  /** Qualifying points through an operator adjustment (SILVER at 500 lifetime points, GOLD at 2,000); a negative one demotes at once. */
  const earn = async (memberId: string, points: number) => {
    const adjusted = await call("POST", `/v1/members/${memberId}/adjustments`, { body: { points, reason: "test promotion", qualifies: true }, headers: { "Idempotency-Key": newKey("promote") } });
    if (adjusted.status !== 201) throw new Error(`adjust: ${JSON.stringify(adjusted.json)}`);
  };
  return { program, groups, chatGroups, mapGroups, enroll, earn };
}
