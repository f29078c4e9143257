/** The member portal's navigation, with the current page marked. */
export function memberNav(current: "/" | "/rewards" | "/amas" | "/events" | "/access" | "/channels" | "/tokens", community = false) {
  return [
    { href: "/", label: "Home", current: current === "/" },
    { href: "/rewards", label: "Rewards", current: current === "/rewards" },
    ...(community
      ? [
          { href: "/amas", label: "AMAs", current: current === "/amas" },
          { href: "/events", label: "Events", current: current === "/events" },
          { href: "/access", label: "Access", current: current === "/access" },
          { href: "/channels", label: "Channels", current: current === "/channels" },
          { href: "/tokens", label: "Tokens", current: current === "/tokens" },
        ]
      : []),
  ];
}

export const redemptionStatusWords = { issued: "Ready to use", consumed: "Used", cancelled: "Cancelled" } as const;
