import { Hono } from "hono";
import type { AppEnv } from "../../workers/app-env";
import { myChannels } from "../../workers/channels/my-channels";
import { signedInMember } from "../../workers/routes/me";
import { programNames } from "../member-data";
import { memberPage } from "../member-session";
import { ChannelsPage } from "../pages/channels-page";
import { renderPageError } from "./page-errors";

/** The channels page (issue 22): the same list as GET /v1/me/channels. */
export const channelPages = new Hono<AppEnv>();
channelPages.onError(renderPageError);

channelPages.get("/channels", memberPage, async (c) => {
  const member = signedInMember(c.get("principal"));
  const [mine, words] = await Promise.all([myChannels(c.env, member.memberId), programNames(c.env.DB, member.programId)]);
  return c.html(<ChannelsPage program={words.program} tier={mine.tier} lifetimePoints={mine.lifetimePoints} channels={mine.channels} />);
});
