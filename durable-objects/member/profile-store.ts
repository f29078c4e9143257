import type { CountedSql } from "./counted-sql";
import type { MemberProfile } from "../../domain/members/member-profile";

type ProfileRow = {
  id: string;
  program_id: string;
  external_ref: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  timezone: string;
  referral_code: string;
  referred_by: string | null;
  tier: string;
  enrolled_via: string;
  enrolled_at: string;
};

export function readProfile(db: CountedSql): MemberProfile | null {
  const row = db.one<ProfileRow>("SELECT * FROM profile LIMIT 1");
  if (!row) return null;
  return {
    id: row.id,
    programId: row.program_id,
    externalRef: row.external_ref,
    email: row.email,
    phone: row.phone,
    birthday: row.birthday,
    timezone: row.timezone,
    referralCode: row.referral_code,
    referredBy: row.referred_by,
    tier: row.tier,
    enrolledVia: row.enrolled_via,
    enrolledAt: row.enrolled_at,
  };
}

export function insertProfile(db: CountedSql, profile: MemberProfile): void {
  db.run(
    `INSERT INTO profile (id, program_id, external_ref, email, phone, birthday, timezone, referral_code, referred_by, tier, enrolled_via, enrolled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    profile.id,
    profile.programId,
    profile.externalRef,
    profile.email,
    profile.phone,
    profile.birthday,
    profile.timezone,
    profile.referralCode,
    profile.referredBy,
    profile.tier,
    profile.enrolledVia,
    profile.enrolledAt,
  );
}
