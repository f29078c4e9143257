import { Interface } from "ethers";

/**
 * The part of RewardToken's ABI the settler uses, written out here rather than imported from
 * contracts/artifacts: that folder is a build output (compiled by `npm start` and the chain tests'
 * setup), and the Worker must load without it. settlement-abi.chain.test.ts checks it against the
 * compiled contract.
 */
export const settlementAbi = [
  "function settle(uint256 settlementId, address[] recipients, uint256[] amounts)",
  "function settledCount() view returns (uint256)",
  "function paused() view returns (bool)",
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
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
] as const;

export const tokenInterface = new Interface(settlementAbi);
