import { localDay } from "../../domain/community/weekly-features";
import { startOfNextLocalDay } from "../../domain/community/streak";
import { dateTime } from "../words/formatting";

type Week = { week: string; features: string[]; multiplier: number; activity: { amaCount: number; chatDays: number; eventCount: number; streakDays: number } };
type Streak = { current: number; longest: number; lastClaimDay: string | null };

/** The daily streak with its claim button: a plain form post, so it works without script. */
export function StreakCard({ streak, timezone, nowMs }: { streak: Streak; timezone: string; nowMs: number }) {
  const claimedToday = streak.lastClaimDay !== null && streak.lastClaimDay >= localDay(nowMs, timezone);
  return (
    <section class="card" aria-labelledby="streak-heading" id="streak">
      <div class="row">
        <h2 id="streak-heading">Daily streak</h2>
        <span class="badge" data-testid="streak-days">
          {streak.current === 1 ? "1 day" : `${streak.current} days`}
        </span>
      </div>
      <p class="muted">Longest: {streak.longest === 1 ? "1 day" : `${streak.longest} days`}. Claim once a day; the reward grows each day up to 30.</p>
      {claimedToday ? (
        <p data-testid="streak-claimed">Claimed today. Next claim from {dateTime(new Date(startOfNextLocalDay(nowMs, timezone)).toISOString(), timezone)}.</p>
      ) : (
        <form method="post" action="/streak/claim">
          <button type="submit">Claim today's streak</button>
        </form>
      )}
    </section>
  );
}

const featureLines = (activity: Week["activity"]) => [
  { feature: "voice", label: "Voice: attend an AMA", progress: `${activity.amaCount} of 1` },
  { feature: "chat", label: "Chat: take part on 3 days", progress: `${Math.min(activity.chatDays, 3)} of 3 days` },
  { feature: "events", label: "Events: attend a live event", progress: `${activity.eventCount} of 1` },
  { feature: "streak", label: "Streak: keep 7 days", progress: `${Math.min(activity.streakDays, 7)} of 7 days` },
];

/** This week's cross-feature multiplier and which features count toward it. */
export function WeekCard({ week }: { week: Week }) {
  return (
    <section class="card" aria-labelledby="week-heading">
      <div class="row">
        <h2 id="week-heading">This week's multiplier</h2>
        <span class="badge good" data-testid="week-multiplier">
          {week.multiplier}×
        </span>
      </div>
      <p class="muted">Use more features in a week to earn more: 2 features 1.5×, 3 features 2×, all 4 3×.</p>
      <ul class="plain" data-testid="week-features">
        {featureLines(week.activity).map((line) => (
          <li class="row">
            <span>
              {week.features.includes(line.feature) ? "✓ " : ""}
              {line.label}
            </span>
            <span class="muted">{week.features.includes(line.feature) ? "counts" : line.progress}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
