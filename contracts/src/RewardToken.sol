// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title The loyalty engine's reward token.
/// @notice Rewards are not minted one by one: the settler mints each member's net amount for many
/// members in one transaction, under a settlement id the contract refuses to apply twice, so a
/// retried submission can never mint twice (ARCHITECTURE §7).
contract RewardToken is ERC20, Ownable {
    /// @notice Settlement ids already applied.
    mapping(bytes32 settlementId => bool applied) public settled;

    event Settled(bytes32 indexed settlementId, uint256 recipients, uint256 total);

    error SettlementAlreadyApplied(bytes32 settlementId);
    error LengthMismatch(uint256 recipients, uint256 amounts);
    error EmptySettlement();

    constructor(address settler) ERC20("Loyalty Reward", "LOYAL") Ownable(settler) {}

    /// @notice Mints `amounts[i]` to `recipients[i]` for every i, once per `settlementId`.
    function settle(bytes32 settlementId, address[] calldata recipients, uint256[] calldata amounts) external onlyOwner {
        if (settled[settlementId]) revert SettlementAlreadyApplied(settlementId);
        if (recipients.length != amounts.length) revert LengthMismatch(recipients.length, amounts.length);
        if (recipients.length == 0) revert EmptySettlement();
        settled[settlementId] = true;
        uint256 total;
        for (uint256 i = 0; i < recipients.length; ++i) {
            _mint(recipients[i], amounts[i]);
            total += amounts[i];
        }
        emit Settled(settlementId, recipients.length, total);
    }
}
