import { DurableObject } from "cloudflare:workers";
import { decideEnrollment } from "../../domain/members/enrollment";
import { purgeExpiredKeys, runIdempotent } from "./idempotency-store";
import { insertProfile, readProfile } from "./profile-store";
import { type EnrollCommand, type EnrollReply, type ProfileReply, memberRpcVersion } from "./rpc-types";
import { applySchema } from "./storage-schema";

/**
 * One object per member: it decides every change to the member's state and records it in its own
 * SQLite storage. Each write runs its check, decision and stored answer in one synchronous
 * transaction (no await inside), so requests for one member are serialised and never interleave.
 */
export class Member extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => applySchema(this.sql));
  }

  async enroll(command: EnrollCommand): Promise<EnrollReply> {
    assertVersion(command.v);
    const now = new Date();
    const reply = this.ctx.storage.transactionSync(() =>
      runIdempotent(this.sql, command.idempotencyKey, command.requestHash, now.getTime(), () => {
        const decision = decideEnrollment(readProfile(this.sql), command.request, now);
        if (decision.kind === "enrolled") {
          insertProfile(this.sql, decision.profile);
          return { status: 201 as const, body: decision.profile };
        }
        return { status: 200 as const, body: decision.profile };
      }),
    );
    if (command.idempotencyKey !== undefined) await this.schedulePurge(now.getTime());
    return reply as EnrollReply;
  }

  async profile(): Promise<ProfileReply> {
    const profile = readProfile(this.sql);
    if (!profile) return { status: 404, body: { error: { code: "member_not_found", message: "No such member" } } };
    return { status: 200, body: profile };
  }

  override async alarm(): Promise<void> {
    const next = this.ctx.storage.transactionSync(() => purgeExpiredKeys(this.sql, Date.now()));
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private async schedulePurge(nowMs: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) {
      const next = purgeExpiredKeys(this.sql, nowMs);
      if (next !== null) await this.ctx.storage.setAlarm(next);
    }
  }
}

function assertVersion(version: number): void {
  if (version !== memberRpcVersion && version !== memberRpcVersion - 1) {
    throw new Error(`Member RPC version ${version} is not supported (expects ${memberRpcVersion})`);
  }
}
