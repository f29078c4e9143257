// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title The loyalty engine's reward token.
/// @notice Rewards are not minted one by one: the settler mints each member's net amount for many
/// members in one transaction (ARCHITECTURE §7). Settlements carry consecutive ids (1, 2, 3, ...):
/// a settlement must carry `settledCount() + 1`, so a replayed or skipped settlement reverts with
/// `SettlementOutOfOrder` and a retried submission can never mint twice. The guard is one counter in
/// a storage slot that is non-zero from deployment (5,000 gas per settlement), not a new slot per id.
/// @dev Permit (EIP-2612) is OpenZeppelin 5's `ERC20Permit`, which checks an ECDSA signature only: it has
/// no ERC-1271 path, so a smart-account member cannot sign a permit. Such a member approves inside a
/// batched call from their account (e.g. `approve` + the spender's call in one user operation).
///
/// Gas: OpenZeppelin's `ERC20` keeps balances and supply private and `_mint` writes the supply on every
/// call. This contract keeps its own balances and supply (`balanceOf`, `totalSupply` and `_update` are
/// overridden, with OpenZeppelin's semantics, errors and events), so `settle` writes each recipient's
/// balance once and the supply once per batch, packed in the counter's slot.
contract RewardToken is ERC20, ERC20Permit, AccessControl, Pausable {
    /// @notice May call `settle`.
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @notice May pause and unpause settlement and transfers.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice The most recipients in one settlement: 1,500 existing holders fit under EIP-7825's
    /// 16,777,216 gas per transaction; 500 fresh holders is the off-chain settler's own, lower cut.
    uint256 public constant RECIPIENTS_MAX = 1_500;

    bytes32 private constant _TRANSFER_TOPIC = keccak256("Transfer(address,address,uint256)");

    /// @dev The supply and the next settlement id share one slot, so a settlement writes one slot for
    /// both. `nextSettlementId` starts at 1, so the slot is non-zero from deployment and no settlement,
    /// not even the first, creates it. Supply is bounded by 2^128 - 1 (3.4e20 whole tokens at 18 decimals).
    struct Totals {
        uint128 supply;
        uint128 nextSettlementId;
    }

    Totals private _totals;
    mapping(address account => uint256 balance) private _balanceOf;

    /// @notice A settlement was applied: `recipients` balances were credited `total` tokens in all.
    event Settled(uint256 indexed settlementId, uint256 recipients, uint256 total);

    /// @notice The settlement does not carry the next id (`settledCount() + 1`): a replay or a gap.
    error SettlementOutOfOrder(uint256 expected, uint256 given);
    error LengthMismatch(uint256 recipients, uint256 amounts);
    error EmptySettlement();
    error TooManyRecipients(uint256 given, uint256 max);
    /// @notice `recipients[index]` is the zero address.
    error SettlementToZeroAddress(uint256 index);
    /// @notice `amounts[index]` is 2^128 or more (no single payout comes near; it would be a bug upstream).
    error AmountTooLarge(uint256 index, uint256 amount);
    /// @notice The supply would pass 2^128 - 1.
    error SupplyCapExceeded(uint256 supply, uint256 cap);

    constructor(address admin, address settler, address pauser)
        ERC20("Loyalty Reward", "LOYAL")
        ERC20Permit("Loyalty Reward")
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLER_ROLE, settler);
        _grantRole(PAUSER_ROLE, pauser);
        _totals.nextSettlementId = 1;
    }

    /// @notice Mints `amounts[i]` to `recipients[i]` for every i, as settlement `settlementId`, which must be
    /// `settledCount() + 1`. Emits the standard `Transfer(address(0), recipient, amount)` per recipient and one
    /// `Settled`. A recipient may appear more than once; a zero amount is allowed and mints nothing.
    function settle(uint256 settlementId, address[] calldata recipients, uint256[] calldata amounts)
        external
        onlyRole(SETTLER_ROLE)
        whenNotPaused
    {
        Totals memory totals = _totals;
        if (settlementId != totals.nextSettlementId) revert SettlementOutOfOrder(totals.nextSettlementId, settlementId);
        uint256 count = recipients.length;
        if (count == 0) revert EmptySettlement();
        if (count != amounts.length) revert LengthMismatch(count, amounts.length);
        if (count > RECIPIENTS_MAX) revert TooManyRecipients(count, RECIPIENTS_MAX);

        uint256 total;
        // Every amount OR-ed together: one check after the loop that each amount is below 2^128.
        uint256 amountBits;
        // The loop is assembly because it runs once per recipient: the same loop in Solidity cost ~330 gas more
        // per recipient (~170 with viaIR at 10,000 runs: bounds checks and stack shuffling), from receipts. The ABI decoder has already
        // checked that both arrays lie inside the calldata. Memory use is the scratch space (0x00-0x3f) only.
        bytes32 transferTopic = _TRANSFER_TOPIC;
        // One more than the index of the first zero address, or 0 when there is none.
        uint256 zeroAddressAt;
        assembly ("memory-safe") {
            mstore(0x20, _balanceOf.slot)
            for { let offset := 0 } lt(offset, shl(5, count)) { offset := add(offset, 0x20) } {
                let to := calldataload(add(recipients.offset, offset))
                let amount := calldataload(add(amounts.offset, offset))
                // The zero address is refused with its index; an address with dirty upper bits is not an
                // address (Solidity reverts with no data on such calldata, and so does this).
                if or(iszero(to), shr(160, to)) {
                    if shr(160, to) { revert(0, 0) }
                    zeroAddressAt := add(shr(5, offset), 1)
                    break
                }
                // No overflow: each amount is below 2^128 (checked after the loop, which reverts the whole
                // call otherwise) and count <= 1,500, so total < 2^139; a balance is at most the new supply,
                // which is checked below 2^128.
                mstore(0x00, to)
                let slot := keccak256(0x00, 0x40)
                sstore(slot, add(sload(slot), amount))
                total := add(total, amount)
                amountBits := or(amountBits, amount)
                // The standard Transfer(address(0), to, amount) per recipient: indexers and the chain-events
                // poller read mints from it.
                mstore(0x00, amount)
                log3(0x00, 0x20, transferTopic, 0, to)
            }
        }
        if (zeroAddressAt != 0) revert SettlementToZeroAddress(zeroAddressAt - 1);
        if (amountBits > type(uint128).max) {
            uint256 index = _firstAmountTooLarge(amounts);
            revert AmountTooLarge(index, amounts[index]);
        }
        // No overflow: total < 1,500 * 2^128.
        uint256 supply = uint256(totals.supply) + total;
        if (supply > type(uint128).max) revert SupplyCapExceeded(supply, type(uint128).max);
        _totals = Totals(uint128(supply), uint128(settlementId + 1));
        emit Settled(settlementId, count, total);
    }

    /// @dev Only on the refusal path: the index of the first amount of 2^128 or more.
    function _firstAmountTooLarge(uint256[] calldata amounts) private pure returns (uint256 index) {
        while (amounts[index] <= type(uint128).max) ++index;
    }

    /// @notice How many settlements were applied; the next must carry `settledCount() + 1`.
    function settledCount() external view returns (uint256) {
        return _totals.nextSettlementId - 1;
    }

    /// @notice Stops settlement and transfers (approvals and permits still work).
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    function totalSupply() public view override returns (uint256) {
        return _totals.supply;
    }

    function balanceOf(address account) public view override returns (uint256) {
        return _balanceOf[account];
    }

    /// @dev OpenZeppelin's `ERC20._update` on this contract's own balances and supply, refused while paused.
    /// `_transfer`, `_mint` and `_burn` still check the zero addresses before calling it.
    function _update(address from, address to, uint256 value) internal override whenNotPaused {
        if (from == address(0)) {
            uint256 supply = uint256(_totals.supply) + value;
            if (supply > type(uint128).max) revert SupplyCapExceeded(supply, type(uint128).max);
            _totals.supply = uint128(supply);
        } else {
            uint256 fromBalance = _balanceOf[from];
            if (fromBalance < value) revert ERC20InsufficientBalance(from, fromBalance, value);
            unchecked {
                // No underflow: value <= fromBalance.
                _balanceOf[from] = fromBalance - value;
            }
        }
        if (to == address(0)) {
            unchecked {
                // No underflow, and the cast keeps every bit: value <= fromBalance <= supply < 2^128.
                _totals.supply -= uint128(value);
            }
        } else {
            unchecked {
                // No overflow: a balance plus value is at most the supply, below 2^128.
                _balanceOf[to] += value;
            }
        }
        emit Transfer(from, to, value);
    }
}
