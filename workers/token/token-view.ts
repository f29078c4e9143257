import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets, tokenHoldings } from "../../db/schema";
import { holdRatio } from "../../domain/token-view/holdings";

/**
 * The token view of members (issue 23): each member's figures are the sums over the member's wallets
 * (`member_wallets`) of what the ChainWatcher wrote per address (`token_holdings`). Sums of base units
 * are exact (bigint here); program totals are float sums of whole tokens, for analytics.
 */
export type MemberTokenFigures = { memberId: string; balance: bigint; received: bigint; sent: bigint; wallets: { address: string; balance: bigint }[]; asOfBlock: number | null };

/** At most this many members' figures per page of the holder list. */
export const holdersPerPageMax = 200;

type WalletRow = { memberId: string; address: string; balance: string; received: string; sent: string; asOfBlock: number };

function figuresOf(memberId: string, rows: readonly WalletRow[]): MemberTokenFigures {
  const figures: MemberTokenFigures = { memberId, balance: 0n, received: 0n, sent: 0n, wallets: [], asOfBlock: null };
  for (const row of rows) {
    figures.balance += BigInt(row.balance);
    figures.received += BigInt(row.received);
    figures.sent += BigInt(row.sent);
    figures.wallets.push({ address: row.address, balance: BigInt(row.balance) });
    figures.asOfBlock = Math.max(figures.asOfBlock ?? 0, row.asOfBlock);
  }
  return figures;
}

const walletColumns = { memberId: memberWallets.memberId, address: memberWallets.address, balance: tokenHoldings.balance, received: tokenHoldings.received, sent: tokenHoldings.sent, asOfBlock: tokenHoldings.asOfBlock };

/** One member's token figures (zero when none of the member's wallets ever held the token). */
export async function memberTokenFigures(db: D1Database, programId: string, memberId: string): Promise<MemberTokenFigures> {
  const rows = await drizzle(db)
    .select(walletColumns)
    .from(memberWallets)
    .innerJoin(tokenHoldings, eq(tokenHoldings.address, memberWallets.address))
    .where(and(eq(memberWallets.programId, programId), eq(memberWallets.memberId, memberId)))
    .orderBy(asc(memberWallets.address));
  return figuresOf(memberId, rows);
}

/** A page of the program's members whose wallets ever held the token, in member id order after `afterMemberId`. */
export async function tokenHolderPage(db: D1Database, programId: string, limit: number, afterMemberId: string | null): Promise<{ holders: MemberTokenFigures[]; more: boolean }> {
  const d1 = drizzle(db);
  const ids = await d1
    .selectDistinct({ memberId: memberWallets.memberId })
    .from(memberWallets)
    .innerJoin(tokenHoldings, eq(tokenHoldings.address, memberWallets.address))
    .where(and(eq(memberWallets.programId, programId), afterMemberId === null ? undefined : gt(memberWallets.memberId, afterMemberId)))
    .orderBy(asc(memberWallets.memberId))
    .limit(limit + 1);
  const page = ids.slice(0, limit).map((row) => row.memberId);
  if (page.length === 0) return { holders: [], more: false };
  const rows = await d1
    .select(walletColumns)
    .from(memberWallets)
    .innerJoin(tokenHoldings, eq(tokenHoldings.address, memberWallets.address))
    .where(and(eq(memberWallets.programId, programId), inArray(memberWallets.memberId, page)))
    .orderBy(asc(memberWallets.memberId), asc(memberWallets.address));
  return { holders: page.map((memberId) => figuresOf(memberId, rows.filter((row) => row.memberId === memberId))), more: ids.length > limit };
}

export type TokenHolderSummary = { holders: number; members: number; heldTokens: number; receivedTokens: number; sentTokens: number; holdRatio: number | null };

/** The program's totals: members holding now, members who ever held, whole tokens held, received and sent. */
export async function tokenHolderSummary(db: D1Database, programId: string): Promise<TokenHolderSummary> {
  const [row] = await drizzle(db)
    .select({
      holders: sql<number>`count(DISTINCT CASE WHEN ${tokenHoldings.balanceTokens} > 0 THEN ${memberWallets.memberId} END)`,
      members: sql<number>`count(DISTINCT ${memberWallets.memberId})`,
      heldTokens: sql<number>`coalesce(sum(${tokenHoldings.balanceTokens}), 0)`,
      receivedTokens: sql<number>`coalesce(sum(${tokenHoldings.receivedTokens}), 0)`,
      sentTokens: sql<number>`coalesce(sum(${tokenHoldings.sentTokens}), 0)`,
    })
    .from(memberWallets)
    .innerJoin(tokenHoldings, eq(tokenHoldings.address, memberWallets.address))
    .where(eq(memberWallets.programId, programId));
  const summary = row ?? { holders: 0, members: 0, heldTokens: 0, receivedTokens: 0, sentTokens: 0 };
  return { ...summary, holdRatio: holdRatio(summary.heldTokens, summary.receivedTokens) };
}
