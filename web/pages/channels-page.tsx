import type { MyChannel } from "../../workers/channels/my-channels";
import { Layout } from "../layout";
import type { ProgramFacts } from "../member-data";
import { memberNav } from "./member-nav";

type ChannelsProps = { program: ProgramFacts; tier: string; lifetimePoints: number; channels: MyChannel[] };

/** The member's Tencent Chat channels: which are open to them, and for the rest what opens them, in words. */
export function ChannelsPage({ program, tier, lifetimePoints, channels }: ChannelsProps) {
  const open = channels.filter((channel) => channel.open);
  const closed = channels.filter((channel) => !channel.open);
  const list = (entries: MyChannel[], testId: string) => (
    <ul class="plain" data-testid={testId}>
      {entries.map((channel) => (
        <li class="row" data-gate={channel.gate} data-open={String(channel.open)}>
          <span>{channel.name}</span>
          {channel.open ? <span class="badge good">Open</span> : <span class="muted">{channel.reason}</span>}
        </li>
      ))}
    </ul>
  );
  return (
    <Layout title={`${program.name}: channels`} nav={memberNav("/channels", true)}>
      <section class="card">
        <h1>Channels</h1>
        <p>
          You are <strong>{tier}</strong> with {lifetimePoints.toLocaleString("en-US")} lifetime points.
        </p>
        <p class="muted">Open channels are chat groups you are a member of. When your tier changes, your groups follow within a minute.</p>
      </section>
      {channels.length === 0 ? (
        <section class="card">
          <p>This community has no chat channels yet.</p>
        </section>
      ) : (
        <>
          <section class="card" aria-labelledby="open-heading">
            <h2 id="open-heading">Open to you ({open.length})</h2>
            {open.length > 0 ? list(open, "channels-open") : <p class="muted">None yet.</p>}
          </section>
          {closed.length > 0 && (
            <section class="card" aria-labelledby="closed-heading">
              <h2 id="closed-heading">Not yet open ({closed.length})</h2>
              {list(closed, "channels-closed")}
            </section>
          )}
        </>
      )}
    </Layout>
  );
}
