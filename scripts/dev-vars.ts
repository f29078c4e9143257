import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Reads `.dev.vars`, creating it from `.dev.vars.example` with a fresh operator token on first run.
 * A `.dev.vars` made before a name was added to the example (the TRTC keys, issue 21) gets the missing
 * names appended with the example's dev values; the names it has are never touched.
 */
export function ensureDevVars(file = ".dev.vars", example = ".dev.vars.example"): Record<string, string> {
  if (!existsSync(file)) {
    const token = `op_${randomBytes(24).toString("hex")}`;
    writeFileSync(file, readFileSync(example, "utf8").replace(/^OPERATOR_TOKEN=.*$/m, `OPERATOR_TOKEN=${token}`));
    console.log(`created ${file} with a new operator token (git-ignored)`);
  }
  const current = parseDotenv(readFileSync(file, "utf8"));
  const missing = Object.entries(parseDotenv(readFileSync(example, "utf8"))).filter(([name]) => !(name in current) && name !== "OPERATOR_TOKEN");
  if (missing.length > 0) {
    appendFileSync(file, `\n# Added from ${example}\n${missing.map(([name, value]) => `${name}=${value}`).join("\n")}\n`);
    console.log(`added ${missing.map(([name]) => name).join(", ")} to ${file} from ${example}`);
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
