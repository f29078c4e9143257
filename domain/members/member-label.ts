import type { MemberProfile } from "./member-profile";

/**
 * How a page names a member to a person deciding whether an account is theirs: recognisable to
 * its owner, not the whole address to someone looking over a shoulder. Email, then phone, then
 * wallet, then referral code (every member has one, and the dashboard shows it).
 */
export function memberLabel(profile: Pick<MemberProfile, "email" | "phone" | "externalRef" | "referralCode">): string {
  if (profile.email) {
    const [local, domain] = profile.email.split("@");
    return domain ? `${local.slice(0, 1)}•••@${domain}` : profile.email.slice(0, 1);
  }
  if (profile.phone) return `the phone number ending ${profile.phone.replace(/\D/g, "").slice(-4)}`;
  if (profile.externalRef?.startsWith("wallet:")) {
    const address = profile.externalRef.slice("wallet:".length);
    return `the wallet ${address.slice(0, 6)}…${address.slice(-4)}`;
  }
  return `the member with referral code ${profile.referralCode}`;
}
