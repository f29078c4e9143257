import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { messageText } from "../../domain/chat/chat-message";
import { amaIdPattern } from "../../domain/programs/program-config";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import type { AppEnv } from "../app-env";
import { mayPost } from "../chat/chat-access";
import { chatGroupOf } from "../chat/chat-groups";
import { memberProgram } from "../community/community-calls";
import { ApiError } from "../errors/api-error";
import { callActor } from "../ledger/call-actor";
import { requestBytesMax } from "../middleware/json-body";
import { jsonDepthMax, nestsDeeperThan } from "../middleware/json-depth";
import { isMemberId } from "../members/member-id";
import { checkChatCallback } from "./chat-signature";

/**
 * Tencent Chat callbacks. Query: SdkAppid, CallbackCommand, contenttype, ClientIP, OptPlatform and,
 * with authentication on, RequestTime + Sign = hex(SHA-256(token + RequestTime)), checked before the
 * body is read. Every answer is Tencent's shape; Tencent ignores the HTTP status, which we still set
 * (200 for an answer, 401/403/413/400 for a refused request) for logs and monitors.
 *
 * The signature does not cover the body, so a body is a claim: a member's message counts once by
 * (GroupId, MsgSeq), only near the time it arrives, only in the sender's own program's groups, and
 * pays at most one chat_activity per member per local day. A forged callback (which needs the token)
 * can at most earn that once a day for a member; it cannot backdate messages to fake the span.
 */
export const chatCommands = { afterSendMsg: "Group.CallbackAfterSendMsg", beforeSendMsg: "Group.CallbackBeforeSendMsg" } as const;

/** Sender ids as Tencent allows (UserID ≤ 32 bytes; a little room), group ids ≤ 48 bytes. */
const AccountSchema = z.string().min(1).max(64);
const MsgBodySchema = z.array(z.object({ MsgType: z.string().max(64), MsgContent: z.record(z.string(), z.unknown()).optional() })).max(50);

const AfterSendMsgSchema = z.object({
  GroupId: AccountSchema,
  From_Account: AccountSchema,
  Operator_Account: z.string().max(64).optional(),
  MsgSeq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  MsgTime: z.number().int().positive().max(1e11),
  MsgBody: MsgBodySchema,
});

const BeforeSendMsgSchema = z.object({ GroupId: AccountSchema, From_Account: AccountSchema, Operator_Account: z.string().max(64).optional() });

type TencentReply = { ActionStatus: "OK" | "FAIL"; ErrorCode: number; ErrorInfo: string };
const ok: TencentReply = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" };

/** Our own outcome rides in a header (Tencent reads only the body): counted, duplicate, ignored:<reason>, allowed, refused:<code>. */
const outcomeHeader = "X-Chat-Outcome";

function answer(c: Context<AppEnv>, reply: TencentReply, outcome: string, status: 200 | 400 | 401 | 403 | 413 = 200) {
  c.header(outcomeHeader, outcome);
  return c.json(reply, status);
}

/** A refused request (not a refused message): FAIL with a code outside Tencent's decision codes, so Tencent applies its default. */
const refusedRequest = (c: Context<AppEnv>, status: 400 | 401 | 403 | 413, errorCode: number, code: string, message: string) =>
  answer(c, { ActionStatus: "FAIL", ErrorCode: errorCode, ErrorInfo: message }, `refused:${code}`, status);

const QuerySchema = z.object({
  SdkAppid: z.string().openapi({ example: "1400000000" }),
  CallbackCommand: z.string().openapi({ example: chatCommands.afterSendMsg }),
  contenttype: z.string().optional().openapi({ example: "json" }),
  ClientIP: z.string().optional(),
  OptPlatform: z.string().optional(),
  RequestTime: z.string().openapi({ description: "Seconds; more than 60 s from now is refused", example: "1733300000" }),
  Sign: z.string().openapi({ description: "hex(SHA-256(CHAT_CALLBACK_TOKEN + RequestTime))" }),
});

/** The documented shape only (Tencent's own format; the handler parses the verified bytes itself). */
const CallbackDocSchema = z
  .object({
    CallbackCommand: z.string().openapi({ example: chatCommands.afterSendMsg }),
    GroupId: z.string().openapi({ description: "A group of community.chatGroups, or an AMA id (its AVChatRoom)", example: "@TGS#alpha-signals" }),
    From_Account: z.string().openapi({ description: "The sender: a member id (the same id as the member's TRTC user id)", example: "mem_0123456789abcdefghjkmnpq" }),
    Operator_Account: z.string().optional(),
    MsgSeq: z.number().optional().openapi({ description: "AfterSendMsg: the message's sequence in its group; (GroupId, MsgSeq) counts once", example: 123 }),
    MsgTime: z.number().optional().openapi({ description: "AfterSendMsg: seconds; more than 5 minutes from the callback's arrival does not count", example: 1733300000 }),
    MsgBody: z.array(z.object({ MsgType: z.string().openapi({ example: "TIMTextElem" }), MsgContent: z.object({ Text: z.string().optional() }).openapi({ additionalProperties: true }) })).optional(),
  })
  .openapi("ChatCallback", { additionalProperties: true });

const ReplySchema = z
  .object({ ActionStatus: z.enum(["OK", "FAIL"]), ErrorCode: z.number().int(), ErrorInfo: z.string() })
  .openapi("ChatCallbackReply", { example: ok });

export const chatWebhookRoutes = new OpenAPIHono<AppEnv>();

// Documented here, handled by a plain handler: the signature is checked before the body is read.
chatWebhookRoutes.openAPIRegistry.registerPath({
  operationId: "chatCallback",
  method: "post",
  path: "/chat",
  tags: ["Webhooks"],
  summary: "Tencent Chat callback (Group.CallbackAfterSendMsg counts chat_activity; Group.CallbackBeforeSendMsg gates posting; others are acknowledged)",
  description:
    "Called by Tencent, not by clients. RequestTime and Sign are checked before the body is read; SdkAppid must be CHAT_SDK_APP_ID. A refused request answers ActionStatus FAIL with ErrorCode 4000-4130 (and HTTP 400/401/403/413). BeforeSendMsg refuses a message with ErrorCode 10101 (gate not met), 10102 (removed from the AMA by its host), 10103 (another community's AMA) or 10104 (the check took too long) and an ErrorInfo for the sender. The X-Chat-Outcome header says what the engine did.",
  security: [],
  request: { query: QuerySchema, body: { content: { "application/json": { schema: CallbackDocSchema } } } },
  responses: {
    200: { description: "Tencent's reply shape (ErrorCode 0: OK / allowed)", content: { "application/json": { schema: ReplySchema } } },
    400: { description: "Malformed body", content: { "application/json": { schema: ReplySchema } } },
    401: { description: "Bad Sign or stale RequestTime", content: { "application/json": { schema: ReplySchema } } },
    403: { description: "Another application's SdkAppid", content: { "application/json": { schema: ReplySchema } } },
    413: { description: "Body over 64 KiB", content: { "application/json": { schema: ReplySchema } } },
  },
});

chatWebhookRoutes.post(
  "/chat",
  async function verifyChatCallback(c, next) {
    const refusal = checkChatCallback(c.req.query(), { token: c.env.CHAT_CALLBACK_TOKEN, sdkAppId: c.env.CHAT_SDK_APP_ID }, Date.now());
    if (refusal) return refusedRequest(c, refusal.httpStatus, refusal.errorCode, refusal.code, refusal.message);
    await next();
  },
  bodyLimit({ maxSize: requestBytesMax, onError: (c) => refusedRequest(c as Context<AppEnv>, 413, 4130, "payload_too_large", `Callback bodies are limited to ${requestBytesMax} bytes`) }),
  async (c) => {
    const command = c.req.query("CallbackCommand");
    if (command !== chatCommands.afterSendMsg && command !== chatCommands.beforeSendMsg) return answer(c, ok, "ignored:unknown_command");
    const text = await c.req.text();
    if (nestsDeeperThan(text, jsonDepthMax)) return refusedRequest(c, 400, 4000, "body_too_deep", `Callback bodies may nest at most ${jsonDepthMax} levels deep`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refusedRequest(c, 400, 4000, "malformed_json", "The callback body is not JSON");
    }
    if (command === chatCommands.beforeSendMsg) {
      const parsed = BeforeSendMsgSchema.safeParse(json);
      if (!parsed.success) return refusedRequest(c, 400, 4001, "invalid_body", `Not a ${command} body: ${parsed.error.issues[0]?.path.join(".")}`);
      return beforeSendMsg(c, parsed.data);
    }
    const parsed = AfterSendMsgSchema.safeParse(json);
    if (!parsed.success) return refusedRequest(c, 400, 4001, "invalid_body", `Not a ${command} body: ${parsed.error.issues[0]?.path.join(".")}`);
    return afterSendMsg(c, parsed.data);
  },
);

/** The sender's program, when the sender is one of our members; admin posts and others are not members. */
async function senderProgram(env: Env, account: string) {
  if (!isMemberId(account)) return null;
  try {
    return await memberProgram(env, account);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

async function afterSendMsg(c: Context<AppEnv>, body: z.infer<typeof AfterSendMsgSchema>) {
  // Sent by the admin account (announcements, or on a member's behalf): nobody's effort, nobody earns.
  if (body.Operator_Account === c.env.CHAT_ADMIN_USER && body.From_Account !== body.Operator_Account) return answer(c, ok, "ignored:sent_by_admin");
  const program = await senderProgram(c.env, body.From_Account);
  if (!program) return answer(c, ok, "ignored:not_a_member");
  // Only the program's own groups count: a group a member made for themselves earns nothing.
  const group = await chatGroupOf(c.env.DB, program, body.GroupId);
  if (!group || (group.kind === "ama" && !group.sameProgram)) return answer(c, ok, "ignored:not_a_program_group");
  const message = { groupId: body.GroupId, msgSeq: body.MsgSeq, atMs: body.MsgTime * 1000, text: messageText(body.MsgBody) };
  const reply = await callActor(c.env.MEMBER, body.From_Account, (member) => member.recordChatMessage({ v: memberRpcVersion, program, message }));
  const outcome = reply.body as { outcome: string; reason?: string; credit?: { status: string } };
  if (reply.status !== 200) return answer(c, ok, "ignored:not_a_member");
  const detail = outcome.reason ?? (outcome.credit ? `credit_${outcome.credit.status}` : null);
  return answer(c, ok, detail ? `${outcome.outcome}:${detail}` : outcome.outcome);
}

async function beforeSendMsg(c: Context<AppEnv>, body: z.infer<typeof BeforeSendMsgSchema>) {
  if (body.From_Account === c.env.CHAT_ADMIN_USER || body.Operator_Account === c.env.CHAT_ADMIN_USER) return answer(c, ok, "allowed:admin");
  const program = await senderProgram(c.env, body.From_Account);
  // Not one of our members: an AMA's chat is for members only; other groups are not ours to gate
  // (gated channels are invite-only Work groups, which such a sender cannot be in).
  if (!program) {
    const refuse = amaIdPattern.test(body.GroupId);
    return refuse ? refusal(c, 10103, "Only members of this community can post in its AMA chat") : answer(c, ok, "allowed:not_ours");
  }
  const group = await chatGroupOf(c.env.DB, program, body.GroupId);
  if (!group) return answer(c, ok, "allowed:not_ours");
  const decision = await mayPost(c.env, body.From_Account, group);
  return decision.allowed ? answer(c, ok, "allowed") : refusal(c, decision.errorCode, decision.message);
}

/** A refused message: ActionStatus OK (the callback worked), the code in [10100, 10200] and the words the sender sees. */
const refusal = (c: Context<AppEnv>, errorCode: number, message: string) => answer(c, { ActionStatus: "OK", ErrorCode: errorCode, ErrorInfo: message }, `refused:${errorCode}`);
