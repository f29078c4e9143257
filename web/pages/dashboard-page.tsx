import { Layout } from "../layout";
import type { dashboardData } from "../member-data";
import { date, dateTime, points } from "../words/formatting";
import { entryAmount, entryInWords } from "../words/ledger-words";
import { progressLine, tierRequirement } from "../words/tier-progress";
import { StreakCard, WeekCard } from "./community-cards";
import { memberNav, redemptionStatusWords } from "./member-nav";

type DashboardProps = { data: NonNullable<Awaited<ReturnType<typeof dashboardData>>>; appOrigin: string; nowMs: number };

/** The member's home: points (available, pending with posting times), tier progress, what expires, recent activity. */
export function DashboardPage({ data, appOrigin, nowMs }: DashboardProps) {
  const { member, program, names, entries, redemptions } = data;
  const zone = member.timezone;
  const referralLink = `${appOrigin}/sign-in?program=${encodeURIComponent(program.id)}&ref=${encodeURIComponent(member.referralCode)}`;
  return (
    <Layout title={`${program.name}: your points`} nav={memberNav("/", member.week !== null)}>
      <section class="card" aria-labelledby="points-heading">
        <h1 id="points-heading">{program.name}</h1>
        <p class="muted">Available to spend</p>
        <p class="big" data-testid="available-points">
          {points(member.points.available)}
        </p>
        {member.points.debt > 0 && <p class="muted">{points(member.points.debt)} owed from a refund come out of your next earnings.</p>}
        {/* Points held until the member's first qualifying action (§7a): say what unlocks them. */}
        {member.points.unlock && (
          <p class="notice" data-testid="unlock-points">
            {member.points.unlock.message}.
          </p>
        )}
        {/* Community points arrive at once: a community member sees no pending section unless something is. */}
        {member.week !== null && member.points.pendingPostings.length === 0 ? null : <h2>Pending</h2>}
        {member.points.pendingPostings.length === 0 ? (
          member.week === null && <p class="muted">Nothing pending. Points from a visit post 24 hours after it.</p>
        ) : (
          <ul class="plain" data-testid="pending-points">
            {member.points.pendingPostings.map((pending) => (
              <li class="row">
                <span>
                  {points(pending.points)} from {names.venue(pending.venueId)}
                </span>
                <span class="muted">posts {dateTime(pending.postsAt, zone)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="tier-heading">
        <div class="row">
          <h2 id="tier-heading">Your tier</h2>
          <span class="badge" data-testid="tier">
            {member.tier}
          </span>
        </div>
        {member.nextTier.length === 0 ? (
          <p>You are at the top tier.</p>
        ) : (
          <>
            <p>
              Reach <strong>{member.nextTier[0].tier}</strong> with {tierRequirement(member.nextTier, program.currency)}.
            </p>
            {member.nextTier.map((line) => {
              const id = `progress-${line.metric}`;
              return (
                <div>
                  <label for={id}>{progressLine(line, program.currency)}</label>
                  <progress id={id} max={line.required} value={Math.min(line.current, line.required)} />
                </div>
              );
            })}
          </>
        )}
      </section>

      {member.week && <StreakCard streak={member.streak} timezone={zone} nowMs={nowMs} />}
      {member.week && <WeekCard week={member.week} />}

      {member.points.expiringSoon.length > 0 && (
        <section class="card" aria-labelledby="expiring-heading">
          <h2 id="expiring-heading">Expiring soon</h2>
          <ul class="plain">
            {member.points.expiringSoon.map((lot) => (
              <li class="row">
                <span>{points(lot.points)}</span>
                <span class="muted">expire {date(lot.expiresAt, zone)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {redemptions.length > 0 && (
        <section class="card" aria-labelledby="redemptions-heading">
          <h2 id="redemptions-heading">Your rewards</h2>
          <ul class="plain">
            {redemptions.map((redemption) => (
              <li class="row">
                <a href={`/redemptions/${redemption.code}`}>{names.reward(redemption.rewardId)}</a>
                <span class={`badge ${redemption.status === "issued" ? "good" : ""}`}>{redemptionStatusWords[redemption.status as keyof typeof redemptionStatusWords]}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section class="card" aria-labelledby="activity-heading">
        <h2 id="activity-heading">Recent activity</h2>
        {entries.length === 0 ? (
          <p class="muted">No activity yet.</p>
        ) : (
          <ul class="plain" data-testid="activity">
            {entries.map((entry) => {
              const amount = entryAmount(entry);
              return (
                <li class="row">
                  <span>
                    {entryInWords(entry, names)}
                    <br />
                    <span class="muted">{dateTime(entry.at, zone)}</span>
                  </span>
                  <span class={`amount ${amount.text.startsWith("+") ? "plus" : amount.text.startsWith("−") ? "minus" : ""}`}>
                    {amount.text}
                    {amount.pending && <span class="muted"> pending</span>}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="referral-heading">
        <h2 id="referral-heading">Invite a friend</h2>
        <p>
          Your referral code: <strong data-testid="referral-code">{member.referralCode}</strong>
        </p>
        <p data-testid="referral-count">
          {member.referrals.count === 1 ? "1 friend joined" : `${member.referrals.count} friends joined`}, {points(member.referrals.pointsEarned)} earned from referrals.
          {member.referrals.pending > 0 && ` ${member.referrals.pending === 1 ? "1 more friend has" : `${member.referrals.pending} more friends have`} signed up: you are paid once they ${member.week !== null ? "attend an AMA, an event or chat" : "make a first purchase of $10 or more"}.`}
        </p>
        <label for="referral-link">Your referral link</label>
        <input id="referral-link" readonly value={referralLink} />
      </section>

      <section class="card" aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        <div class="row">
          <form method="post" action="/sign-out" class="inline">
            <button type="submit" class="secondary">
              Sign out
            </button>
          </form>
          <form method="post" action="/sign-out-everywhere" class="inline">
            <button type="submit" class="secondary">
              Sign out on every device
            </button>
          </form>
        </div>
      </section>
    </Layout>
  );
}
