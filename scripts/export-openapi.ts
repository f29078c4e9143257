// Prints the OpenAPI document generated from the route definitions (no server needed):
//   npm run openapi > openapi.json
import { createApp } from "../workers/app";

const response = await createApp().request("/openapi.json");
process.stdout.write(`${JSON.stringify(await response.json(), null, 2)}\n`);
