import { callActor } from "../ledger/call-actor";
import { revokeLoginLinks } from "./session-store";

/**
 * Ends every session of a member, and every login link issued before now: the actor's session
 * epoch moves on (one write ends every session), then the member's outstanding links are deleted,
 * so a link printed or sent before the sign-out cannot start a new session after it.
 */
export async function endSessionsAndLinks(env: Env, memberId: string): Promise<void> {
  await callActor(env.MEMBER, memberId, (member) => member.signOutEverywhere());
  await revokeLoginLinks(env.DB, memberId);
}
