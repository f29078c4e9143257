/** The member portal's navigation, with the current page marked. */
export function memberNav(current: "/" | "/rewards" | "/access", community = false) {
  return [
    { href: "/", label: "Home", current: current === "/" },
    { href: "/rewards", label: "Rewards", current: current === "/rewards" },
    ...(community ? [{ href: "/access", label: "Access", current: current === "/access" }] : []),
  ];
}

export const redemptionStatusWords = { issued: "Ready to use", consumed: "Used", cancelled: "Cancelled" } as const;
