/** The singleton's name: one settler per deployment and signing key, since it owns the key's nonce. */
export const chainSettlerName = "settler";
