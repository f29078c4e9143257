import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import solc from "solc";

export type CompiledContract = { abi: unknown[]; bytecode: string };

const require = createRequire(import.meta.url);
const sourceDir = path.join(import.meta.dirname, "src");
export const artifactsDir = path.join(import.meta.dirname, "artifacts");

/** Resolves `@openzeppelin/...` imports from node_modules, as solc's import callback. */
function findImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(importPath), "utf8") };
  } catch {
    return { error: `not found: ${importPath}` };
  }
}

/** Compiles a contract in contracts/src with solc (npm) and writes its ABI and bytecode to contracts/artifacts. */
export function compileContract(name: string): CompiledContract {
  const fileName = `${name}.sol`;
  const input = {
    language: "Solidity",
    sources: { [fileName]: { content: readFileSync(path.join(sourceDir, fileName), "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (output.errors ?? []).filter((error: { severity: string }) => error.severity === "error");
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((error: { formattedMessage: string }) => error.formattedMessage).join("\n")}`);
  }
  const contract = output.contracts[fileName][name];
  const compiled = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(path.join(artifactsDir, `${name}.json`), JSON.stringify(compiled, null, 2));
  return compiled;
}
