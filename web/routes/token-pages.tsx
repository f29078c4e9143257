import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { memberWallets } from "../../db/schema";
import { payoutPageMax } from "../../durable-objects/member/token-payout";
import type { AppEnv } from "../../workers/app-env";
import { ApiError } from "../../workers/errors/api-error";
import { callActor } from "../../workers/ledger/call-actor";
import { limitBody } from "../../workers/middleware/json-body";
import { findProgram } from "../../workers/programs/program-directory";
import { signedInMember } from "../../workers/routes/me";
import { cancelMemberPayoutRelink, pinLinkedPayoutWallet } from "../../workers/routes/payout-wallet";
import { cutMemberPayout, previewMemberPayout } from "../../workers/routes/token-settlements";
import { memberTokenFigures } from "../../workers/token/token-view";
import { programNames } from "../member-data";
import { memberPage } from "../member-session";
import { TokenTxPage } from "../pages/token-tx-page";
import { chainSettlerName } from "../../durable-objects/chain-settler/settler-name";
import { type PayoutRow, type SettleNow, TokensPage } from "../pages/tokens-page";
import { points } from "../words/formatting";
import { payoutRefusalInWords, tokens } from "../words/token-words";
import { renderPageError } from "./page-errors";

/** The member's token pages (issue 23): the same cut, wallet and token view the API's /v1/me routes use. */
export const tokenPages = new Hono<AppEnv>();
tokenPages.onError(renderPageError);

const idempotencyKeyPattern = /^[A-Za-z0-9_-]{8,128}$/;
const txHashPattern = /^0x[0-9a-fA-F]{64}$/;
const addressPattern = /^0x[0-9a-fA-F]{40}$/;
/** The page lists the newest payouts; the API pages through the rest. */
const payoutsShownMax = 50;
/** The tx page looks through at most this many pages of the member's own payouts for the hash. */
const txScanPagesMax = 10;
/** Linked wallets offered as payout wallets (GET /v1/me/wallets lists the same, at most 50). */
const linkedWalletsMax = 50;

type Member = { memberId: string; programId: string };

/**
 * A payout on its way learns its transaction from the member's actor only once final; until then the
 * settler knows the transaction it went out in, so the page can link it as soon as it is sent.
 */
async function withSentTransactions(env: Env, payouts: PayoutRow[]): Promise<PayoutRow[]> {
  const onTheirWay = payouts.filter((payout) => payout.status === "reserved" && !payout.txHash).map((payout) => payout.intentId);
  if (onTheirWay.length === 0) return payouts;
  const sent = await env.CHAIN_SETTLER.getByName(chainSettlerName).payoutTransactions(onTheirWay);
  return payouts.map((payout) => (sent[payout.intentId] ? { ...payout, txHash: sent[payout.intentId] } : payout));
}
type Notice = { kind: "error" | "success"; text: string };

/** Notices a redirect back to /tokens may name; anything else in the query shows nothing. */
const notices: Record<string, Notice> = {
  "payout-cut": { kind: "success", text: "Done: your points are on their way to your wallet as tokens." },
  pinned: { kind: "success", text: "Your payout wallet is set." },
  relink_requested: { kind: "success", text: "Your payout wallet will change after the cooling-off period." },
  relink_cancelled: { kind: "success", text: "The change of payout wallet is cancelled." },
  unchanged: { kind: "success", text: "Your payout wallet stays as it was." },
};

async function tokensPage(env: Env, member: Member, notice?: Notice) {
  const [profile, program, words, page, preview, wallet, figures, linked] = await Promise.all([
    callActor(env.MEMBER, member.memberId, (actor) => actor.profile()),
    findProgram(env.DB, member.programId),
    programNames(env.DB, member.programId),
    callActor(env.MEMBER, member.memberId, (actor) => actor.tokenPayouts(payoutsShownMax, null)),
    previewMemberPayout(env, member.memberId, member.programId),
    callActor(env.MEMBER, member.memberId, (actor) => actor.payoutWallet()),
    memberTokenFigures(env.DB, member.programId, member.memberId),
    drizzle(env.DB).select({ address: memberWallets.address }).from(memberWallets).where(eq(memberWallets.memberId, member.memberId)).orderBy(asc(memberWallets.linkedAt)).limit(linkedWalletsMax),
  ]);
  if (profile.status === 404 || !page || !wallet) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  const rules = program.config.settlement;
  const newest = page.payouts[0];
  // The cut's notice names its amounts while the newest payout is still on its way.
  const shown = notice === notices["payout-cut"] && newest?.status === "reserved" ? { kind: "success" as const, text: `Done: ${points(newest.points)} are on their way to your wallet as ${tokens(newest.tokenAmount)}.` } : notice;
  let settleNow: SettleNow;
  if (preview.status < 300) {
    const body = preview.body as { points: number; tokenAmount: string; address: string };
    settleNow = { ok: true, points: body.points, tokenAmount: body.tokenAmount, address: body.address };
  } else {
    const { error } = preview.body as { error: { code: string; message: string } };
    settleNow = { ok: false, reason: payoutRefusalInWords(error.code, error.message, rules) };
  }
  return (
    <TokensPage
      program={words.program}
      community={program.config.community !== undefined}
      timezone={profile.body.timezone}
      rules={rules}
      payouts={await withSentTransactions(env, page.payouts as PayoutRow[])}
      settleNow={settleNow}
      payoutKey={crypto.randomUUID()}
      wallet={wallet}
      linkedWallets={linked.map((row) => row.address)}
      onChain={{ balance: figures.balance.toString(), received: figures.received.toString(), sent: figures.sent.toString(), asOfBlock: figures.asOfBlock }}
      notice={shown}
    />
  );
}

tokenPages.get("/tokens", memberPage, async (c) => {
  const notice = notices[c.req.query("notice") ?? ""];
  return c.html(await tokensPage(c.env, signedInMember(c.get("principal")), notice));
});

/** The payout form: the API's own cut, under the form's key, so a double tap or a resent form cuts once. */
tokenPages.post("/tokens/payouts", limitBody, memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const form = await c.req.parseBody();
  const key = typeof form.idempotencyKey === "string" && idempotencyKeyPattern.test(form.idempotencyKey) ? form.idempotencyKey : null;
  const refused = async (text: string, status: 409 | 422) => c.html(await tokensPage(c.env, member, { kind: "error", text }), status);
  if (!key) return refused("This form is out of date. Try again.", 422);
  const reply = await cutMemberPayout(c.env, member.memberId, member.programId, key);
  if (reply.status === 404) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  if (reply.status >= 400) {
    const { error } = reply.body as { error: { code: string; message: string } };
    const program = await findProgram(c.env.DB, member.programId);
    return refused(payoutRefusalInWords(error.code, error.message, program.config.settlement), reply.status === 409 ? 409 : 422);
  }
  return c.redirect("/tokens?notice=payout-cut", 303);
});

/** Pins (or relinks to) one of the member's SIWE-linked wallets: the API's own call. */
tokenPages.post("/tokens/payout-wallet", limitBody, memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const form = await c.req.parseBody();
  const address = typeof form.address === "string" && addressPattern.test(form.address) ? form.address : null;
  const refused = async (text: string) => c.html(await tokensPage(c.env, member, { kind: "error", text }), 422);
  if (!address) return refused("Choose one of your wallets.");
  try {
    const reply = await pinLinkedPayoutWallet(c.env, member, address);
    if (reply.status >= 400) return refused((reply.body as { error: { message: string } }).error.message);
    return c.redirect(`/tokens?notice=${(reply.body as { outcome: string }).outcome}`, 303);
  } catch (error) {
    if (error instanceof ApiError && error.code === "wallet_not_linked") return refused("That wallet is not linked to you. Sign in with it first, then choose it here.");
    throw error;
  }
});

tokenPages.post("/tokens/payout-wallet/cancel", limitBody, memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const reply = await cancelMemberPayoutRelink(c.env, member);
  if (reply.status === 404) return c.html(await tokensPage(c.env, member, { kind: "error", text: "There is no change of payout wallet to cancel." }), 404);
  if (reply.status >= 400) return c.html(await tokensPage(c.env, member, { kind: "error", text: (reply.body as { error: { message: string } }).error.message }), 422);
  return c.redirect("/tokens?notice=relink_cancelled", 303);
});

/** One settlement transaction: only the signed-in member's own payouts, read from their actor. */
tokenPages.get("/tokens/tx/:hash", memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const hash = c.req.param("hash");
  if (!txHashPattern.test(hash)) throw new ApiError(404, "transaction_not_found", "That is not a transaction hash.");
  const mine: PayoutRow[] = [];
  let beforeSeq: number | null = null;
  for (let scanned = 0; scanned < txScanPagesMax; scanned++) {
    const found = await callActor(c.env.MEMBER, member.memberId, (actor) => actor.tokenPayouts(payoutPageMax, beforeSeq));
    if (!found) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
    mine.push(...(await withSentTransactions(c.env, found.payouts as PayoutRow[])).filter((payout) => payout.txHash?.toLowerCase() === hash.toLowerCase()));
    if (found.nextBeforeSeq === null) break;
    beforeSeq = found.nextBeforeSeq;
  }
  if (mine.length === 0) throw new ApiError(404, "transaction_not_found", "None of your payouts was sent in this transaction.");
  const [profile, program, words] = await Promise.all([
    callActor(c.env.MEMBER, member.memberId, (actor) => actor.profile()),
    findProgram(c.env.DB, member.programId),
    programNames(c.env.DB, member.programId),
  ]);
  const explorer = c.env.CHAIN_EXPLORER_URL?.trim().replace(/\/+$/, "") ?? "";
  return c.html(
    <TokenTxPage
      program={words.program}
      community={program.config.community !== undefined}
      timezone={profile.status === 200 ? profile.body.timezone : words.program.timezone}
      hash={hash}
      payouts={mine}
      explorerUrl={explorer === "" ? null : `${explorer}/tx/${hash}`}
    />,
  );
});
