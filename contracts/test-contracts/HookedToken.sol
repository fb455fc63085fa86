// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice ERC-777-style notifications: registered holders are called before they send and after they receive.
interface ITokenHooks {
    function tokensToSend(address from, address to, uint256 amount) external;

    function tokensReceived(address from, address to, uint256 amount) external;
}

/// @notice Test token whose transfers hand control to the sender and the recipient, like ERC-777 hooks do.
contract HookedToken is ERC20 {
    mapping(address account => bool) public hasHooks;

    constructor() ERC20("Hooked Token", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function registerHooks() external {
        hasHooks[msg.sender] = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && hasHooks[from]) {
            ITokenHooks(from).tokensToSend(from, to, value);
        }
        super._update(from, to, value);
        if (to != address(0) && hasHooks[to]) {
            ITokenHooks(to).tokensReceived(from, to, value);
        }
    }
}

/// @notice Acts as a buyer or payee and, from inside a token hook, calls back into the target with armed calldata.
contract ReentrantAttacker is ITokenHooks {
    address public immutable target;
    bytes private _reentry;

    constructor(address target_) {
        target = target_;
    }

    function registerHooks(HookedToken token) external {
        token.registerHooks();
    }

    function approve(IERC20 token, address spender, uint256 amount) external {
        token.approve(spender, amount);
    }

    /// @notice Sets the call made into the target from the next token hook.
    function arm(bytes calldata reentry) external {
        _reentry = reentry;
    }

    function execute(bytes calldata data) external {
        _call(data);
    }

    function tokensToSend(address, address, uint256) external {
        _reenter();
    }

    function tokensReceived(address, address, uint256) external {
        _reenter();
    }

    function _reenter() private {
        bytes memory data = _reentry;
        if (data.length == 0) {
            return;
        }
        delete _reentry;
        _call(data);
    }

    function _call(bytes memory data) private {
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
