import type { EnrollmentRequest } from "../../domain/members/enrollment";
import type { MemberProfile } from "../../domain/members/member-profile";

/**
 * Actor RPC payloads carry a version: during a deploy a new Worker may call an old object
 * (and the reverse) for minutes, so each side accepts the current and the previous version (§9).
 */
export const memberRpcVersion = 1;

export type ErrorBody = { error: { code: string; message: string } };

export type EnrollCommand = {
  v: typeof memberRpcVersion;
  idempotencyKey?: string;
  requestHash: string;
  request: EnrollmentRequest;
};

export type EnrollReply =
  | { status: 201 | 200; body: MemberProfile; replayed: boolean }
  | { status: 422; body: ErrorBody; replayed: boolean };

export type ProfileReply = { status: 200; body: MemberProfile } | { status: 404; body: ErrorBody };
