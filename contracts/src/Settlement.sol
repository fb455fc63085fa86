// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title Tessera settlement
/// @notice Records every marketplace purchase on chain. The platform signs an EIP-712 quote; the buyer submits it and
/// pays in an allowlisted ERC-20. Payees and the fee recipient are credited and withdraw later (pull payments).
/// @dev Refund policy: an arbiter may refund an order within the refund window. The refund moves the order's amounts
/// from the payees' and the fee recipient's unwithdrawn credit to the buyer's credit; the buyer then withdraws.
/// If any of them no longer holds enough unwithdrawn credit in that token, the refund reverts with
/// `RefundExceedsCredit` and nothing moves: the platform settles such cases off chain.
contract Settlement is AccessControl, EIP712, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    bytes32 public constant QUOTE_SIGNER_ROLE = keccak256("QUOTE_SIGNER_ROLE");
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    bytes32 private constant PAYEE_TYPEHASH = keccak256("Payee(address account,uint256 amount)");
    bytes32 private constant QUOTE_TYPEHASH =
        keccak256(
            "Quote(bytes32 orderId,bytes32[] resourceIds,address buyer,Payee[] payees,uint256 fee,address token,"
            "bytes32 licenceHash,uint64 expiry,uint256 chainId)Payee(address account,uint256 amount)"
        );

    struct Payee {
        address account;
        uint256 amount;
    }

    /// @notice A price quote signed by the platform's quote signer. A single purchase has one resource id; a bundle
    /// lists several, with one payee entry per owner share. The buyer pays sum(payees.amount) + fee.
    struct Quote {
        bytes32 orderId;
        bytes32[] resourceIds;
        address buyer;
        Payee[] payees;
        uint256 fee;
        address token;
        bytes32 licenceHash;
        uint64 expiry;
        uint256 chainId;
    }

    enum OrderStatus {
        None,
        Paid,
        Refunded
    }

    /// @dev Amounts are stored as uint96 so that an account and its amount share one slot; a quote whose single
    /// amount exceeds 2^96-1 base units reverts with SafeCast's error.
    struct Share {
        address account;
        uint96 amount;
    }

    struct Order {
        address buyer;
        uint64 paidAt;
        OrderStatus status;
        address token;
        address feeRecipient;
        uint96 fee;
        Share[] shares;
    }

    struct Resource {
        address owner;
        bytes32 contentRoot;
    }

    address public feeRecipient;
    /// @notice Seconds after payment during which the arbiter may refund an order.
    uint64 public refundWindow;
    mapping(address token => bool) public isTokenAllowed;

    mapping(bytes32 resourceId => Resource) private _resources;
    mapping(bytes32 orderId => Order) private _orders;
    mapping(address token => mapping(address account => uint256)) private _credits;

    event ResourceListed(bytes32 indexed resourceId, address indexed owner, bytes32 contentRoot);
    event ResourceRelisted(
        bytes32 indexed resourceId,
        address indexed owner,
        bytes32 contentRoot,
        address previousOwner,
        bytes32 previousContentRoot
    );
    /// @param amount Everything the buyer paid: the payees' amounts plus the fee.
    event Purchased(
        bytes32 indexed orderId,
        bytes32[] resourceIds,
        address indexed buyer,
        address token,
        uint256 amount,
        uint256 fee,
        bytes32 licenceHash
    );
    /// @notice One per payee entry of a purchase, in quote order and before its `Purchased`: what the order added to
    /// `payee`'s credit in `token`. The fee recipient's credit is `Purchased.fee`.
    event PayeeCredited(bytes32 indexed orderId, address indexed payee, address token, uint256 amount);
    event Refunded(bytes32 indexed orderId, address indexed buyer, address token, uint256 amount);
    event Withdrawn(address indexed account, address indexed token, uint256 amount);
    event TokenAllowed(address indexed token, bool allowed);
    event FeeRecipientChanged(address previousRecipient, address newRecipient);
    event RefundWindowChanged(uint64 previousWindow, uint64 newWindow);

    error ZeroAddress();
    error InvalidListing(bytes32 resourceId);
    error WrongChain(uint256 expected, uint256 quoted);
    error QuoteExpired(uint64 expiry, uint256 timestamp);
    error WrongBuyer(address quoted, address caller);
    error TokenNotAllowed(address token);
    error OrderAlreadyUsed(bytes32 orderId);
    error InvalidQuoteSigner(address recovered);
    error MalformedQuote();
    error TransferAmountMismatch(uint256 expected, uint256 received);
    error NothingToWithdraw(address token, address account);
    error UnknownOrder(bytes32 orderId);
    error OrderAlreadyRefunded(bytes32 orderId);
    error RefundWindowClosed(bytes32 orderId, uint256 closedAt);
    error RefundExceedsCredit(address account, uint256 owed, uint256 available);

    constructor(address admin, address feeRecipient_, uint64 refundWindow_) EIP712("Tessera Settlement", "1") {
        if (admin == address(0) || feeRecipient_ == address(0)) {
            revert ZeroAddress();
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        feeRecipient = feeRecipient_;
        refundWindow = refundWindow_;
        emit FeeRecipientChanged(address(0), feeRecipient_);
        emit RefundWindowChanged(0, refundWindow_);
    }

    // ---------------------------------------------------------------- listing

    /// @notice Anchors a resource's content fingerprint. Listing again with a new root or owner emits
    /// `ResourceRelisted`; listing again with the same values is a no-op so that retries are harmless.
    function listResource(bytes32 resourceId, address owner, bytes32 contentRoot) external onlyRole(REGISTRAR_ROLE) {
        if (resourceId == bytes32(0) || owner == address(0) || contentRoot == bytes32(0)) {
            revert InvalidListing(resourceId);
        }
        Resource storage resource = _resources[resourceId];
        address previousOwner = resource.owner;
        bytes32 previousRoot = resource.contentRoot;
        if (previousOwner == owner && previousRoot == contentRoot) {
            return;
        }
        resource.owner = owner;
        resource.contentRoot = contentRoot;
        if (previousOwner == address(0)) {
            emit ResourceListed(resourceId, owner, contentRoot);
        } else {
            emit ResourceRelisted(resourceId, owner, contentRoot, previousOwner, previousRoot);
        }
    }

    function getResource(bytes32 resourceId) external view returns (Resource memory) {
        return _resources[resourceId];
    }

    // ---------------------------------------------------------------- purchase

    function purchase(Quote calldata quote, bytes calldata signature) external nonReentrant whenNotPaused {
        _purchase(quote, signature);
    }

    /// @notice Same as `purchase`, approving the token through EIP-2612 in the same transaction. A permit that fails
    /// (for instance because someone already submitted it) is ignored: the transfer then relies on the allowance.
    function purchaseWithPermit(
        Quote calldata quote,
        bytes calldata signature,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused {
        try IERC20Permit(quote.token).permit(msg.sender, address(this), _total(quote), deadline, v, r, s) {} catch {}
        _purchase(quote, signature);
    }

    /// @notice The EIP-712 digest the quote signer signs for `quote`.
    function hashQuote(Quote calldata quote) public view returns (bytes32) {
        uint256 payeeCount = quote.payees.length;
        bytes32[] memory payeeHashes = new bytes32[](payeeCount);
        for (uint256 i = 0; i < payeeCount; ++i) {
            payeeHashes[i] = keccak256(abi.encode(PAYEE_TYPEHASH, quote.payees[i].account, quote.payees[i].amount));
        }
        bytes memory encoded = abi.encode(
            QUOTE_TYPEHASH,
            quote.orderId,
            keccak256(abi.encodePacked(quote.resourceIds)),
            quote.buyer,
            keccak256(abi.encodePacked(payeeHashes)),
            quote.fee,
            quote.token,
            quote.licenceHash,
            quote.expiry,
            quote.chainId
        );
        return _hashTypedDataV4(keccak256(encoded));
    }

    function getOrder(bytes32 orderId) external view returns (Order memory) {
        return _orders[orderId];
    }

    // ---------------------------------------------------------------- payouts and refunds

    function creditOf(address token, address account) external view returns (uint256) {
        return _credits[token][account];
    }

    /// @notice Pays out the caller's whole credit in `token`. Works for tokens removed from the allowlist since.
    function withdraw(address token) external nonReentrant whenNotPaused returns (uint256 amount) {
        amount = _credits[token][msg.sender];
        if (amount == 0) {
            revert NothingToWithdraw(token, msg.sender);
        }
        _credits[token][msg.sender] = 0;
        IERC20(token).safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, token, amount);
    }

    /// @notice Returns an order's whole payment to the buyer's credit. See the refund policy in the contract notes.
    function refund(bytes32 orderId) external onlyRole(ARBITER_ROLE) nonReentrant {
        Order storage order = _orders[orderId];
        if (order.status == OrderStatus.None) {
            revert UnknownOrder(orderId);
        }
        if (order.status == OrderStatus.Refunded) {
            revert OrderAlreadyRefunded(orderId);
        }
        uint256 closesAt = uint256(order.paidAt) + refundWindow;
        if (block.timestamp > closesAt) {
            revert RefundWindowClosed(orderId, closesAt);
        }
        address token = order.token;
        uint256 amount = order.fee;
        if (amount != 0) {
            _debit(token, order.feeRecipient, amount);
        }
        uint256 shareCount = order.shares.length;
        for (uint256 i = 0; i < shareCount; ++i) {
            Share storage share = order.shares[i];
            _debit(token, share.account, share.amount);
            amount += share.amount;
        }
        order.status = OrderStatus.Refunded;
        _credits[token][order.buyer] += amount;
        emit Refunded(orderId, order.buyer, token, amount);
    }

    // ---------------------------------------------------------------- administration

    function setTokenAllowed(address token, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) {
            revert ZeroAddress();
        }
        isTokenAllowed[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    /// @notice Applies to later purchases; existing orders keep the recipient they were paid with.
    function setFeeRecipient(address newRecipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newRecipient == address(0)) {
            revert ZeroAddress();
        }
        emit FeeRecipientChanged(feeRecipient, newRecipient);
        feeRecipient = newRecipient;
    }

    /// @notice Applies to every order not yet refunded, counted from its payment time.
    function setRefundWindow(uint64 newWindow) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit RefundWindowChanged(refundWindow, newWindow);
        refundWindow = newWindow;
    }

    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------- internals

    function _purchase(Quote calldata quote, bytes calldata signature) private {
        _validate(quote, signature);
        uint256 total = _record(quote);
        _collect(IERC20(quote.token), total);
        emit Purchased(quote.orderId, quote.resourceIds, msg.sender, quote.token, total, quote.fee, quote.licenceHash);
    }

    function _validate(Quote calldata quote, bytes calldata signature) private view {
        if (quote.chainId != block.chainid) {
            revert WrongChain(block.chainid, quote.chainId);
        }
        if (block.timestamp > quote.expiry) {
            revert QuoteExpired(quote.expiry, block.timestamp);
        }
        if (msg.sender != quote.buyer) {
            revert WrongBuyer(quote.buyer, msg.sender);
        }
        if (!isTokenAllowed[quote.token]) {
            revert TokenNotAllowed(quote.token);
        }
        if (_orders[quote.orderId].status != OrderStatus.None) {
            revert OrderAlreadyUsed(quote.orderId);
        }
        (address signer, ECDSA.RecoverError recoverError, ) = ECDSA.tryRecoverCalldata(hashQuote(quote), signature);
        if (recoverError != ECDSA.RecoverError.NoError || !hasRole(QUOTE_SIGNER_ROLE, signer)) {
            revert InvalidQuoteSigner(signer);
        }
        if (quote.payees.length == 0 || quote.resourceIds.length == 0) {
            revert MalformedQuote();
        }
    }

    /// @dev Effects before interactions: the order is recorded and credited before the token is touched.
    function _record(Quote calldata quote) private returns (uint256 total) {
        address token = quote.token;
        address feeTo = feeRecipient;
        Order storage order = _orders[quote.orderId];
        order.buyer = msg.sender;
        order.paidAt = uint64(block.timestamp);
        order.status = OrderStatus.Paid;
        order.token = token;
        order.feeRecipient = feeTo;
        order.fee = SafeCast.toUint96(quote.fee);
        total = quote.fee;
        if (total != 0) {
            _credits[token][feeTo] += total;
        }
        uint256 payeeCount = quote.payees.length;
        for (uint256 i = 0; i < payeeCount; ++i) {
            Payee calldata payee = quote.payees[i];
            if (payee.account == address(0)) {
                revert MalformedQuote();
            }
            order.shares.push(Share(payee.account, SafeCast.toUint96(payee.amount)));
            _credits[token][payee.account] += payee.amount;
            emit PayeeCredited(quote.orderId, payee.account, token, payee.amount);
            total += payee.amount;
        }
        if (total == 0) {
            revert MalformedQuote();
        }
    }

    /// @dev The credits assume `total` arrives in full: measuring the balance change rejects fee-on-transfer tokens.
    function _collect(IERC20 token, uint256 total) private {
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), total);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received != total) {
            revert TransferAmountMismatch(total, received);
        }
    }

    function _total(Quote calldata quote) private pure returns (uint256 total) {
        total = quote.fee;
        uint256 payeeCount = quote.payees.length;
        for (uint256 i = 0; i < payeeCount; ++i) {
            total += quote.payees[i].amount;
        }
    }

    function _debit(address token, address account, uint256 amount) private {
        uint256 available = _credits[token][account];
        if (available < amount) {
            revert RefundExceedsCredit(account, amount, available);
        }
        _credits[token][account] = available - amount;
    }
}
