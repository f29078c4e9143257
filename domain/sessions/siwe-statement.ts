/**
 * EIP-4361's statement line allows only printable ASCII without `"`, `%`, `<`, `>`, `\`, `^`, `` ` ``,
 * `{`, `|` and `}`; a message with anything else does not parse, so a program called `Café` or
 * `Joe’s Bars` could not sign anyone in. The name is folded to that alphabet: accents dropped
 * (NFKD), curly apostrophes made straight, whatever is left outside the alphabet removed.
 */
export const statementCharacters = /^[A-Za-z0-9 !#$&-;=?@[\]_~]*$/;

/** A long program name is cut here, so the statement stays one short line. */
export const statementNameLengthMax = 80;

const fallbackStatement = "Sign in to the loyalty program.";

const lookalikes: Record<string, string> = { "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " " };

/** `name` reduced to the characters a statement allows, spaces collapsed; may be empty. */
export function foldToStatementText(name: string): string {
  const straightened = [...name.normalize("NFKD")].map((character) => lookalikes[character] ?? character).join("");
  const allowed = [...straightened].filter((character) => statementCharacters.test(character)).join("");
  return allowed.replace(/\s+/g, " ").trim().slice(0, statementNameLengthMax).trim();
}

/** The statement a member signs to sign in to a program: always valid EIP-4361, whatever the name. */
export function signInStatement(programName: string): string {
  const folded = foldToStatementText(programName);
  // A name with nothing printable left (only emoji, say) still gets a statement that says what it does.
  return /[A-Za-z0-9]/.test(folded) ? `Sign in to ${folded}.` : fallbackStatement;
}
