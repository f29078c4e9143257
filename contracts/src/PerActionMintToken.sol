// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// The seed's way of paying rewards: one owner-only `mint` per rewarded action. Not deployed by the
/// engine; the bench measures it as the baseline that batched settlement is compared with (issue 23).
contract PerActionMintToken is ERC20, Ownable {
    constructor(address owner) ERC20("Per-action reward", "PAR") Ownable(owner) {}

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
