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

export function readProfile(sql: SqlStorage): MemberProfile | null {
  const row = sql.exec<ProfileRow>("SELECT * FROM profile LIMIT 1").toArray()[0];
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

export function insertProfile(sql: SqlStorage, profile: MemberProfile): void {
  sql.exec(
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
