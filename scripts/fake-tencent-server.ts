import { type IncomingMessage, createServer } from "node:http";
import { createFakeTencentApi } from "../test/fake-tencent";
import { createFakeTencentChat } from "../test/fake-tencent-chat";

const requestBytesMax = 64 * 1024;

/**
 * `npm start`'s TencentCloud API: the tests' fake (test/fake-tencent.ts) on 127.0.0.1, accepting the
 * credentials from .dev.vars, so a host muting a speaker in dev sends a real, signature-checked request
 * and sees Tencent's answer shape. It runs inside the start script, so Ctrl-C stops it too.
 */
export async function startFakeTencentServer(port: number, credentials: { secretId: string; secretKey: string }) {
  const api = createFakeTencentApi([credentials]);
  return serve(port, api.handle, (request) => {
    const last = api.calls.at(-1);
    if (request.method === "POST" && last) console.log(`  [tencent fake] ${last.action} ${JSON.stringify(last.params)} → ${last.errorCode ?? "OK"}`);
  });
}

/**
 * `npm start`'s Tencent Chat REST API (issue 22): the tests' fake (test/fake-tencent-chat.ts), accepting
 * the admin UserSig signed with .dev.vars' CHAT_SECRET_KEY; channel syncs and announcements are logged here.
 */
export async function startFakeTencentChatServer(port: number, credentials: { sdkAppId: number; adminUser: string; secretKey: string }) {
  const chat = createFakeTencentChat(credentials);
  return serve(port, chat.handle, (request) => {
    const last = chat.calls.at(-1);
    if (request.method === "POST" && last && !new URL(request.url).pathname.startsWith("/__fake/")) {
      console.log(`  [chat fake] ${last.command} ${last.groupId ?? ""} ${last.accounts.length} accounts → ${last.errorCode === 0 ? "OK" : last.errorCode}`);
    }
  });
}

async function serve(port: number, handle: (request: Request) => Promise<Response>, log: (request: Request) => void) {
  const server = createServer(async (incoming, outgoing) => {
    try {
      const body = await readBody(incoming);
      const request = new Request(`http://${incoming.headers.host ?? `127.0.0.1:${port}`}${incoming.url ?? "/"}`, {
        method: incoming.method,
        headers: Object.entries(incoming.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])),
        body: incoming.method === "GET" || incoming.method === "HEAD" ? undefined : body,
      });
      const response = await handle(request);
      log(request);
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      outgoing.writeHead(500, { "content-type": "text/plain" });
      outgoing.end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > requestBytesMax) throw new Error(`request bodies are limited to ${requestBytesMax} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
