import { array, boolean, discriminatedUnion, enum as enumOf, literal, number, object, string } from "zod";

/**
 * What the room's frame schemas (domain/rooms/frames.ts) use of `z`, for the browser. The schemas
 * import `z` from @hono/zod-openapi, whose `z` is zod's whole namespace (every locale, JSON Schema
 * conversion): about 95 KB gzipped in a page. scripts/build-web.mjs points that import here for
 * the client bundles, so the page parses frames with the very same schemas for about 28 KB.
 * zod-for-frames.test.ts fails when the schemas start using a function this object lacks.
 */
export const z = { array, boolean, discriminatedUnion, enum: enumOf, literal, number, object, string };
