/**
 * The real side of the ledger model test (workers/routes/ledger-model.test.ts): its settings, how a
 * request is sent through the worker's fetch and compared with the model, and the checks after each step.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { expect } from "vitest";
import { call } from "./api";
import { purchase, redeem } from "./ledger";
import { type Expected, type LedgerModel, type LedgerRequest, isBound, memberCount, rewardSpecs, scopeOf, scopedKey, send } from "./ledger-model";
import { stockOf } from "./stock";

/** Bindings are strings or absent (wrangler [vars] / vitest.config.ts miniflare bindings). */
export function setting(name: string): string | undefined {
  const value: unknown = Reflect.get(env, name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function integerSetting(name: string): number | undefined {
  const value = setting(name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`${name} is "${value}"; set it to an integer (or leave it empty for the default)`);
  return Number(value);
}

/**
 * 200 sequences take 35–40 s on a 2-core machine. A failure prints its seed, path and replayPath:
 * LEDGER_MODEL_SEED, LEDGER_MODEL_PATH and LEDGER_MODEL_REPLAY_PATH replay it (the commands'
 * shrinking depends on which commands ran, so the path alone does not replay a shrunk sequence).
 */
export const numRuns = integerSetting("LEDGER_MODEL_RUNS") ?? 200;
export const seed = integerSetting("LEDGER_MODEL_SEED");
export const path = setting("LEDGER_MODEL_PATH");
export const replayPath = setting("LEDGER_MODEL_REPLAY_PATH");
export const maxCommands = 12;
export const replayHeader = "Idempotent-Replayed";

/** The system under test as a client sees it, plus what it answered that the model cannot know. */
export type Real = {
  venueKey: string;
  memberIds: string[];
  rewardIds: string[];
  /** The purchase id and redemption code each key's request created. */
  purchaseIds: Map<string, string>;
  codes: Map<string, string>;
  /** The first answer's body for each bound key (by member and key): replays must answer it again. */
  firstBodies: Map<string, unknown>;
};
export type Observed = { status: number; code: string | null; replayed: boolean; json: unknown };
export type Command = fc.AsyncCommand<LedgerModel, Real>;
/** What a step may have changed, checked after it: the rest is checked at the end of the sequence. */
export type Touched = { members: readonly number[]; rewards: readonly number[] };

export function field(json: unknown, ...names: string[]): unknown {
  let value = json;
  for (const name of names) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

export function text(json: unknown, name: string): string {
  const value = field(json, name);
  if (typeof value !== "string") throw new Error(`expected a string ${name} in ${JSON.stringify(json)}`);
  return value;
}

export function observe(response: { status: number; headers: Headers; json: unknown }): Observed {
  const code = field(response.json, "error", "code");
  return { status: response.status, code: typeof code === "string" ? code : null, replayed: response.headers.get(replayHeader) === "true", json: response.json };
}

/** An answer reduced to what the model says of it: status, code, replay header, the model's numbers. */
export function summary(answer: Observed | Expected, numbers: readonly string[]) {
  const value = (name: string) => ("json" in answer ? field(answer.json, name) : answer.numbers[name]);
  return { status: answer.status, code: answer.code, replayed: answer.replayed, numbers: Object.fromEntries(numbers.map((name) => [name, value(name)])) };
}

export function agrees(observed: Observed, expected: Expected): boolean {
  const numbers = Object.keys(expected.numbers);
  return JSON.stringify(summary(observed, numbers)) === JSON.stringify(summary(expected, numbers));
}

export function expectAnswer(observed: Observed, expected: Expected, label: string): void {
  const numbers = Object.keys(expected.numbers);
  expect(summary(observed, numbers), `${label} answered ${JSON.stringify(observed.json)}`).toEqual(summary(expected, numbers));
}

export function describeRequest(request: LedgerRequest): string {
  if (request.op === "purchase") return `purchase(m${request.member}, ${request.amountCents}¢)`;
  if (request.op === "refund") return `refund(p${request.purchase}, ${request.amountCents}¢)`;
  return `redeem(m${request.member}, r${request.reward}${request.purchaseCents === null ? "" : `, purchaseCents ${request.purchaseCents}`})`;
}

export const touchedBy = (model: Readonly<LedgerModel>, request: LedgerRequest): Touched => ({
  members: [scopeOf(model, request)],
  rewards: request.op === "redeem" ? [request.reward] : [],
});

export async function sendReal(model: Readonly<LedgerModel>, real: Real, key: string, request: LedgerRequest): Promise<Observed> {
  if (request.op === "purchase") {
    const body = { memberId: real.memberIds[request.member], amountCents: request.amountCents, occurredAt: request.occurredAt };
    return observe(await purchase(real.venueKey, body, key));
  }
  if (request.op === "refund") {
    const purchaseId = real.purchaseIds.get(model.purchases[request.purchase].key);
    if (purchaseId === undefined) throw new Error(`no purchase id for p${request.purchase}`);
    const options = { token: real.venueKey, body: { amountCents: request.amountCents }, headers: { "Idempotency-Key": key } };
    return observe(await call("POST", `/v1/purchases/${purchaseId}/refunds`, options));
  }
  const purchaseCents = request.purchaseCents === null ? {} : { purchaseCents: request.purchaseCents };
  return observe(await redeem(real.venueKey, { memberId: real.memberIds[request.member], rewardId: real.rewardIds[request.reward], ...purchaseCents }, key));
}

/** What an answer the model agreed with tells the real side (new ids, codes, first bodies); a replay must match them. */
export function remember(model: Readonly<LedgerModel>, real: Real, key: string, request: LedgerRequest, expected: Expected, observed: Observed, label: string): void {
  const member = scopeOf(model, request);
  const scope = scopedKey(member, key);
  if (expected.replayed) {
    expect(observed.json, `${label}: a replay answers the first body`).toEqual(real.firstBodies.get(scope));
    return;
  }
  if (isBound(model, key, member) && !real.firstBodies.has(scope)) real.firstBodies.set(scope, observed.json);
  if (expected.status !== 201) return;
  if (request.op === "purchase") real.purchaseIds.set(key, text(observed.json, "purchaseId"));
  if (request.op === "redeem") real.codes.set(key, text(observed.json, "code"));
}

/** Sends one keyed request to the model and to the worker, and compares the answers. */
export async function exchange(model: LedgerModel, real: Real, key: string, request: LedgerRequest): Promise<void> {
  const expected = send(model, key, request);
  const observed = await sendReal(model, real, key, request);
  const label = `${describeRequest(request)} with key ${key}`;
  expectAnswer(observed, expected, label);
  remember(model, real, key, request, expected, observed, label);
}

/** §3 in the actor's own storage, and the member's points as the API shows them, equal to the model's. */
export async function verifyMember(model: Readonly<LedgerModel>, real: Real, member: number): Promise<void> {
  const memberId = real.memberIds[member];
  const ledger = await runInDurableObject(env.MEMBER.getByName(memberId), (_instance, state) => {
    const one = (query: string) => state.storage.sql.exec<{ n: number }>(query).one().n;
    return {
      lots: one("SELECT COALESCE(SUM(remaining), 0) AS n FROM lots"),
      journal: one("SELECT COALESCE(SUM(delta), 0) AS n FROM entries"),
      negativeLots: one("SELECT COUNT(*) AS n FROM lots WHERE remaining < 0"),
      debt: one("SELECT debt AS n FROM counters"),
    };
  });
  const label = `member m${member} (${JSON.stringify(ledger)})`;
  expect(ledger.lots, `${label}: Σ lots = Σ entries`).toBe(ledger.journal);
  expect(ledger.lots, `${label}: balance ≥ 0`).toBeGreaterThanOrEqual(0);
  expect(ledger.negativeLots, `${label}: no negative lot`).toBe(0);
  expect(ledger.debt, `${label}: debt ≥ 0`).toBeGreaterThanOrEqual(0);
  expect(ledger.debt > 0 && ledger.lots > 0, `${label}: debt and available points never coexist`).toBe(false);
  const view = await call("GET", `/v1/members/${memberId}`);
  const points = { available: field(view.json, "points", "available"), pending: field(view.json, "points", "pending"), debt: field(view.json, "points", "debt") };
  const { available, pending, debt } = model.members[member];
  expect(points, `${label}: points shown`).toEqual({ available, pending, debt });
}

/** At a quiet point no unit is held, and the claimed units are the model's issued and consumed redemptions. */
export async function verifyStock(model: Readonly<LedgerModel>, real: Real, reward: number): Promise<void> {
  const inventory = rewardSpecs[reward].inventory;
  if (inventory === null) return;
  const level = await stockOf(real.rewardIds[reward], inventory);
  const label = `reward r${reward} (${JSON.stringify(level)})`;
  expect(level.held, `${label}: no unit held at a quiet point`).toBe(0);
  expect(level.remaining, `${label}: remaining = inventory − (issued + consumed)`).toBe(inventory - (level.issued + level.consumed));
  expect(level.issued + level.consumed, `${label}: issued + consumed`).toBe(model.rewards[reward].claimed);
}

export async function verify(model: Readonly<LedgerModel>, real: Real, touched: Touched): Promise<void> {
  for (const member of new Set(touched.members)) await verifyMember(model, real, member);
  for (const reward of new Set(touched.rewards)) await verifyStock(model, real, reward);
}

export const everything: Touched = { members: [...Array(memberCount).keys()], rewards: [...rewardSpecs.keys()] };

