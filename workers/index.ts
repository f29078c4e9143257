import { createApp } from "./app";
import { projectMemberEvents } from "./queues/projections";

export { Member } from "../durable-objects/member/member";
export { RewardStock } from "../durable-objects/reward-stock/reward-stock";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: projectMemberEvents,
} satisfies ExportedHandler<Env, import("../durable-objects/member/member-events").MemberEvent>;
