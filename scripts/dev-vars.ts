import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** Reads `.dev.vars`, creating it from `.dev.vars.example` with a fresh operator token on first run. */
export function ensureDevVars(file = ".dev.vars", example = ".dev.vars.example"): Record<string, string> {
  if (!existsSync(file)) {
    const token = `op_${randomBytes(24).toString("hex")}`;
    writeFileSync(file, readFileSync(example, "utf8").replace(/^OPERATOR_TOKEN=.*$/m, `OPERATOR_TOKEN=${token}`));
    console.log(`created ${file} with a new operator token (git-ignored)`);
  }
  return parseDotenv(readFileSync(file, "utf8"));
}

export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}
