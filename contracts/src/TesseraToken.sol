// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Tessera token
/// @notice The marketplace's local and test payment token: a plain ERC-20 with EIP-2612 permit, minted by its owner.
contract TesseraToken is ERC20, ERC20Permit, Ownable {
    constructor(address initialOwner) ERC20("Tessera Token", "TSR") ERC20Permit("Tessera Token") Ownable(initialOwner) {}

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
