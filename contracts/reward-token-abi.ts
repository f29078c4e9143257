/**
 * The part of RewardToken's ABI the engine calls and reads (settler and chain watcher), as
 * human-readable fragments that ethers' `Interface` takes. Compiled artifacts are build output and not
 * in git; this file is, and `contracts/test/reward-token-abi.test.ts` checks it against the compiler's ABI.
 */
export const rewardTokenAbi = [
  "function settle(uint256 settlementId, address[] recipients, uint256[] amounts)",
  "function settledCount() view returns (uint256)",
  "function balanceOf(address account) view returns (uint256)",
  "function totalSupply() view returns (uint256)",
  "function paused() view returns (bool)",
  "function pause()",
  "function unpause()",
  "function transfer(address to, uint256 value) returns (bool)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event Settled(uint256 indexed settlementId, uint256 recipients, uint256 total)",
  "error SettlementOutOfOrder(uint256 expected, uint256 given)",
  "error LengthMismatch(uint256 recipients, uint256 amounts)",
  "error EmptySettlement()",
  "error TooManyRecipients(uint256 given, uint256 max)",
  "error SettlementToZeroAddress(uint256 index)",
  "error AmountTooLarge(uint256 index, uint256 amount)",
  "error SupplyCapExceeded(uint256 supply, uint256 cap)",
  "error EnforcedPause()",
  "error ExpectedPause()",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
] as const;
