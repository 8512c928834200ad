// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

/// @title CommitteeRegistry
/// @notice The on-chain record of veil's committees, one entry per eon: the
/// eon's id, the sequencer height from which it signs, its threshold, its
/// members' L1 addresses and its eon public key P in G2.
/// @dev Eons are registered in strictly increasing id and activation-height
/// order. Eon e signs the heights [activation(e), activation(next eon)); the
/// latest eon's range is open. Registering an eon therefore closes the
/// previous one, so a retired committee's key, which its former members may
/// no longer guard, can never sign a later height. The owner can also revoke
/// an eon outright (a compromised key); revocation is final.
///
/// The public key and the member list are written once, as the code of a
/// small data contract (a leading STOP byte, then P in the EIP-2537 encoding,
/// then the members' addresses), and read with EXTCODECOPY: reading P this
/// way costs about 2,700 gas against about 17,000 for eight cold storage
/// slots, on every posted batch.
contract CommitteeRegistry {
    /// @notice The largest committee, as in the Go threshold package.
    uint256 public constant MAX_MEMBERS = 1024;

    /// @dev Size of a G2 point in the EIP-2537 encoding.
    uint256 internal constant G2_SIZE = 256;

    /// @dev EIP-2537 precompile: BLS12_PAIRING_CHECK.
    address internal constant PAIRING = address(0x0f);

    /// @dev One eon, packed into a single storage slot but for `end`.
    struct Record {
        address data; // data contract: 0x00 ‖ P(256) ‖ members(20 each); zero if unregistered
        uint64 activation; // first height the eon signs
        uint16 threshold;
        bool revoked;
        uint64 end; // first height the eon no longer signs; 0 while it is the latest
    }

    /// @notice The current owner, who alone may register and revoke eons.
    address public owner;

    /// @notice The address the owner has offered ownership to, or zero.
    address public pendingOwner;

    /// @notice The id of the most recently registered eon (meaningful only
    /// when `eonCount() > 0`).
    uint64 public latestEon;

    uint64 internal _eonCount;

    mapping(uint64 => Record) internal _eons;

    /// @notice A new eon was registered; `data` is the contract whose code
    /// holds its key and members.
    event EonRegistered(
        uint64 indexed eon,
        uint64 activationHeight,
        uint16 threshold,
        address[] members,
        bytes publicKey,
        address data
    );

    /// @notice The previous latest eon stopped signing at `end` (exclusive)
    /// because a new eon was registered.
    event EonClosed(uint64 indexed eon, uint64 end);

    /// @notice An eon was revoked: its key signs nothing from now on.
    event EonRevoked(uint64 indexed eon);

    /// @notice The owner offered ownership to `newOwner`, who must accept it.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);

    /// @notice Ownership changed hands.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error NotOwner(address caller);
    error NotPendingOwner(address caller);
    error ZeroAddress();
    error EonNotIncreasing(uint64 eon, uint64 latest);
    error ActivationNotIncreasing(uint64 activationHeight, uint64 previous);
    error BadMemberCount(uint256 members);
    error BadThreshold(uint256 threshold, uint256 members);
    error ZeroMember(uint256 index);
    error BadPublicKey();
    error UnknownEon(uint64 eon);
    error EonIsRevoked(uint64 eon);
    error HeightOutsideEon(uint64 eon, uint64 height, uint64 activationHeight, uint64 end);
    error DataDeployFailed();

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @notice Creates an empty registry owned by `initialOwner`.
    /// @param initialOwner The governance address (a multisig in production).
    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert ZeroAddress();
        owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    /// @notice Offers ownership to `newOwner`; it takes effect when
    /// `newOwner` calls `acceptOwnership`. Offering to zero cancels a
    /// pending offer.
    /// @param newOwner The proposed owner.
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @notice Completes a transfer started by `transferOwnership`; only the
    /// pending owner may call it.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner || msg.sender == address(0)) revert NotPendingOwner(msg.sender);
        address previous = owner;
        owner = msg.sender;
        pendingOwner = address(0);
        emit OwnershipTransferred(previous, msg.sender);
    }

    /// @notice Registers eon `eon`, which signs from `activationHeight` on,
    /// and closes the previous latest eon at that height.
    /// @dev P is checked to be a G2 point of the prime-order subgroup other
    /// than the identity by one pairing-check call (about 110,000 gas, once
    /// per eon): the precompile rejects points off the curve or outside the
    /// subgroup, and a key at infinity would make every message's signature
    /// the identity.
    /// @param eon The eon id; must exceed every registered eon's id.
    /// @param activationHeight The first sequencer height the eon signs; must
    /// exceed the previous eon's activation height.
    /// @param threshold The number of members whose partial signatures make
    /// a signature, in [1, members.length].
    /// @param members The members' L1 addresses in member-index order (member
    /// i of the Go threshold package is members[i-1]); 1 to MAX_MEMBERS.
    /// @param publicKey The eon public key P in the EIP-2537 G2 encoding
    /// (256 bytes).
    function registerEon(
        uint64 eon,
        uint64 activationHeight,
        uint16 threshold,
        address[] calldata members,
        bytes calldata publicKey
    ) external onlyOwner {
        uint64 count = _eonCount;
        uint64 prev = latestEon;
        if (count > 0) {
            if (eon <= prev) revert EonNotIncreasing(eon, prev);
            uint64 prevActivation = _eons[prev].activation;
            if (activationHeight <= prevActivation) revert ActivationNotIncreasing(activationHeight, prevActivation);
        }
        uint256 n = members.length;
        if (n == 0 || n > MAX_MEMBERS) revert BadMemberCount(n);
        if (threshold == 0 || threshold > n) revert BadThreshold(threshold, n);
        for (uint256 i; i < n; ++i) {
            if (members[i] == address(0)) revert ZeroMember(i);
        }
        _checkG2(publicKey);

        address data = _writeData(publicKey, members);
        _eons[eon] = Record({data: data, activation: activationHeight, threshold: threshold, revoked: false, end: 0});
        if (count > 0) {
            _eons[prev].end = activationHeight;
            emit EonClosed(prev, activationHeight);
        }
        latestEon = eon;
        _eonCount = count + 1;
        emit EonRegistered(eon, activationHeight, threshold, members, publicKey, data);
    }

    /// @notice Revokes eon `eon`: batches it signed can no longer be posted.
    /// Batches already posted stay.
    /// @param eon A registered, unrevoked eon.
    function revokeEon(uint64 eon) external onlyOwner {
        Record storage r = _eons[eon];
        if (r.data == address(0)) revert UnknownEon(eon);
        if (r.revoked) revert EonIsRevoked(eon);
        r.revoked = true;
        emit EonRevoked(eon);
    }

    /// @notice The number of registered eons.
    function eonCount() external view returns (uint64) {
        return _eonCount;
    }

    /// @notice Everything recorded about eon `eon`.
    /// @param eon A registered eon.
    /// @return activationHeight The first height the eon signs.
    /// @return end The first height it no longer signs, or 0 while it is the
    /// latest eon.
    /// @return threshold The signing threshold t.
    /// @return revoked Whether the owner revoked it.
    /// @return members The members' L1 addresses in member-index order.
    /// @return publicKey P in the EIP-2537 G2 encoding.
    function getEon(uint64 eon)
        external
        view
        returns (
            uint64 activationHeight,
            uint64 end,
            uint16 threshold,
            bool revoked,
            address[] memory members,
            bytes memory publicKey
        )
    {
        Record storage r = _eons[eon];
        address data = r.data;
        if (data == address(0)) revert UnknownEon(eon);
        publicKey = new bytes(G2_SIZE);
        uint256 n = (data.code.length - 1 - G2_SIZE) / 20;
        members = new address[](n);
        assembly ("memory-safe") {
            extcodecopy(data, add(publicKey, 32), 1, 256)
            let buf := mload(0x40)
            extcodecopy(data, buf, 257, mul(n, 20))
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(add(members, 32), mul(i, 32)), shr(96, mload(add(buf, mul(i, 20)))))
            }
        }
        return (r.activation, r.end, r.threshold, r.revoked, members, publicKey);
    }

    /// @notice The data contract holding the key of `eon`, after checking
    /// that `eon` may sign every height in [fromHeight, toHeight]: it is
    /// registered, unrevoked, and the heights lie in its range. The key is
    /// the 256 bytes at code offset 1 of the returned address.
    /// @dev Reverts with UnknownEon, EonIsRevoked or HeightOutsideEon.
    /// @param eon The eon that signed.
    /// @param fromHeight The lowest height signed.
    /// @param toHeight The highest height signed (at least fromHeight).
    /// @return data The eon's data contract.
    function keyFor(uint64 eon, uint64 fromHeight, uint64 toHeight) external view returns (address data) {
        Record storage r = _eons[eon];
        data = r.data;
        if (data == address(0)) revert UnknownEon(eon);
        if (r.revoked) revert EonIsRevoked(eon);
        uint64 activation = r.activation;
        if (fromHeight < activation) revert HeightOutsideEon(eon, fromHeight, activation, r.end);
        uint64 end = r.end;
        if (end != 0 && toHeight >= end) revert HeightOutsideEon(eon, toHeight, activation, end);
    }

    /// @dev Checks P by pairing it with g1 and −g1: e(g1, P)·e(−g1, P) = 1
    /// holds for every subgroup point, and the precompile fails on anything
    /// else.
    function _checkG2(bytes calldata p) internal view {
        if (p.length != G2_SIZE) revert BadPublicKey();
        bool nonzero;
        for (uint256 i; i < G2_SIZE; i += 32) {
            if (bytes32(p[i:i + 32]) != 0) {
                nonzero = true;
                break;
            }
        }
        if (!nonzero) revert BadPublicKey();
        bytes memory input = bytes.concat(G1_GENERATOR, p, G1_GENERATOR_NEG, p);
        (bool ok, bytes memory out) = PAIRING.staticcall(input);
        if (!ok || out.length != 32 || uint256(bytes32(out)) != 1) revert BadPublicKey();
    }

    /// @dev Deploys 0x00 ‖ publicKey ‖ members as code and returns its address.
    function _writeData(bytes calldata publicKey, address[] calldata members) internal returns (address data) {
        bytes memory body = abi.encodePacked(bytes1(0x00), publicKey, members);
        // Packed address arrays are padded to 32 bytes per element; repack
        // them to 20 bytes each.
        uint256 n = members.length;
        assembly ("memory-safe") {
            let base := add(add(body, 32), 257)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let a := mload(add(base, mul(i, 32)))
                mstore(add(base, mul(i, 20)), shl(96, a))
            }
            mstore(body, add(257, mul(n, 20)))
        }
        // Creation code: copy the body that follows this 10-byte prefix into
        // memory and return it as the runtime code.
        bytes memory init = abi.encodePacked(
            hex"61", uint16(body.length), // PUSH2 len
            hex"80", // DUP1
            hex"600a", // PUSH1 10 (offset of the body)
            hex"5f", // PUSH0 (memory destination)
            hex"39", // CODECOPY
            hex"5f", // PUSH0
            hex"f3", // RETURN
            body
        );
        assembly ("memory-safe") {
            data := create(0, add(init, 32), mload(init))
        }
        if (data == address(0)) revert DataDeployFailed();
    }

    /// @dev The generator of G1 and its negation, EIP-2537 encoding.
    bytes internal constant G1_GENERATOR =
        hex"0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
        hex"0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1";
    bytes internal constant G1_GENERATOR_NEG =
        hex"0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
        hex"00000000000000000000000000000000114d1d6855d545a8aa7d76c8cf2e21f267816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca";
}
