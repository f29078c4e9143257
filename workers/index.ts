import { createApp } from "./app";

export { Member } from "../durable-objects/member/member";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
