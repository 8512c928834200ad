// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

import {CommitteeRegistry} from "./CommitteeRegistry.sol";

/// @title BatchInbox
/// @notice Anchors veil's sequence on L1: for each posted sequencer height it
/// stores the batch root the committee signed, after checking the committee's
/// threshold BLS signature, and lets anyone check that a rollup's leg is in
/// a posted batch.
/// @dev Heights are strictly increasing but need not be consecutive: a
/// relayer may skip heights (to save gas, or after an outage), and a
/// skipped height can never be posted later. Whoever may post can
/// therefore make every height below a signed later one unpostable, by
/// posting that later height first.
///
/// Who may post: the registry's owner keeps a poster allowlist here. While
/// it is empty posting is permissionless (the committee's signature is
/// the only authority, and anyone holding a signed later height can skip
/// the heights before it); once it names at least one address, only those
/// addresses may post, so only a chosen relayer decides which heights are
/// skipped. Removing the last poster makes posting permissionless again.
/// The check costs about 200 gas a post while the list is empty (the count
/// shares lastHeight's storage slot) and about 2,400 while it is not (one
/// cold read of the caller's entry); see BENCHMARKS.md. The alternative,
/// accepting unposted heights below lastHeight, would keep posting
/// permissionless but break the rule that lastHeight bounds everything
/// posted, which rollups read as "nothing below will change".
///
/// Signed message (the Go side computes the same bytes):
///   m = keccak256("veil/batch/v1" ‖ u8 len(chainID) ‖ chainID ‖ u64be height ‖ batchRoot)
/// and the committee's signature is σ = s·H(m) in G1 with H the RFC 9380
/// hash_to_curve suite BLS12381G1_XMD:SHA-256_SSWU_RO_ under SIGNATURE_DST,
/// valid iff e(σ, −g2)·e(H(m), P) = 1.
///
/// Merkle scheme (RFC 9162 §2.1.1, with keccak256 as the hash): leaf hash
/// keccak256(0x00 ‖ leaf), interior node keccak256(0x01 ‖ left ‖ right).
/// A rollup's root is the tree hash of its leg leaves at that height; the
/// batch root is the tree hash over one entry per rollup, sorted by rollup
/// id, whose leaf is 0x00 ‖ u64be rollupId ‖ rollupRoot ‖ u32be legCount.
contract BatchInbox {
    /// @notice The committee registry whose eon keys sign batches.
    CommitteeRegistry public immutable registry;

    /// @notice The hash-to-curve domain separation tag, exactly the Go side's
    /// threshold.SignatureDST.
    bytes public constant SIGNATURE_DST = "VEIL-V01-SIG-BLS12381G1_XMD:SHA-256_SSWU_RO_";

    /// @notice The most heights one postBatches call accepts.
    uint256 public constant MAX_BATCH = 256;

    /// @notice The longest audit path verifyLeg accepts at each level.
    uint256 public constant MAX_PROOF_DEPTH = 64;

    /// @notice The longest chain ID (CometBFT's limit is 50 bytes).
    uint256 public constant MAX_CHAIN_ID = 50;

    // DST_prime = DST ‖ u8 len(DST), 45 bytes, split into two words.
    bytes32 internal constant DST_PRIME_A = "VEIL-V01-SIG-BLS12381G1_XMD:SHA-";
    bytes32 internal constant DST_PRIME_B = "256_SSWU_RO_\x2c";
    uint256 internal constant DST_PRIME_LEN = 45;

    // The BLS12-381 base field modulus p, 48 bytes, as a high word (16
    // bytes, left-aligned) and a low word.
    bytes32 internal constant P_HI = 0x1a0111ea397fe69a4b1ba7b6434bacd700000000000000000000000000000000;
    bytes32 internal constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;

    // Precompile addresses (EIP-2537 for the last three, as in go-ethereum's
    // PrecompiledContractsPrague).
    uint256 internal constant SHA256 = 0x02;
    uint256 internal constant MODEXP = 0x05;
    uint256 internal constant G1ADD = 0x0b;
    uint256 internal constant PAIRING = 0x0f;
    uint256 internal constant MAP_FP_TO_G1 = 0x10;

    /// @dev −g2, the negated generator of G2, EIP-2537 encoding.
    bytes internal constant NEG_G2 =
        hex"00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"
        hex"0000000000000000000000000000000013e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
        hex"000000000000000000000000000000000d1b3cc2c7027888be51d9ef691d77bcb679afda66c73f17f9ee3837a55024f78c71363275a75d75d86bab79f74782aa"
        hex"0000000000000000000000000000000013fa4d4a0ad8b1ce186ed5061789213d993923066dddaf1040bc3ff59f825c78df74f2d75467e25e0f55f8a00fa030ed";

    // "veil/batch/v1" ‖ u8 len(chainID) ‖ chainID, at most 64 bytes.
    bytes32 internal immutable _prefixA;
    bytes32 internal immutable _prefixB;
    uint256 internal immutable _prefixLen;

    /// @notice The highest height posted so far, 0 before the first post.
    uint64 public lastHeight;

    /// @notice The number of allowed posters; zero means anyone may post.
    /// @dev Declared next to lastHeight so both share one storage slot.
    uint64 public posterCount;

    /// @notice Whether `poster` is on the poster allowlist.
    mapping(address => bool) public isPoster;

    mapping(uint64 => bytes32) internal _roots;

    /// @notice A merkle inclusion proof of a leg: the leg leaf's path to its
    /// rollup root, then the rollup entry's path to the batch root. Indices
    /// are 0-based; paths are RFC 9162 audit paths, leaf level first.
    struct LegProof {
        uint32 legIndex;
        uint32 legCount;
        bytes32[] legPath;
        uint64 entryIndex;
        uint64 entryCount;
        bytes32[] entryPath;
    }

    /// @notice The batch root of `height`, signed by `eon`, was posted.
    event BatchPosted(uint64 indexed height, uint64 indexed eon, bytes32 batchRoot);

    /// @notice The owner allowed `poster` to post.
    event PosterAdded(address indexed poster);

    /// @notice The owner removed `poster` from the allowlist.
    event PosterRemoved(address indexed poster);

    error ZeroAddress();
    error NotOwner(address caller);
    error NotPoster(address caller);
    error PosterExists(address poster);
    error UnknownPoster(address poster);
    error BadChainId(uint256 length);
    error StaleHeight(uint64 height, uint64 lastHeight);
    error EmptyBatch();
    error BatchTooLarge(uint256 heights, uint256 max);
    error LengthMismatch(uint256 heights, uint256 roots);
    error BadSignatureLength(uint256 length);
    error InvalidSignature();
    error PrecompileFailed(address precompile);

    /// @notice Deploys an inbox for the sequencer chain `chainId`.
    /// @param registry_ The committee registry.
    /// @param chainId_ The sequencer's CometBFT chain ID (1 to 50 bytes); it is
    /// part of every signed message, so signatures of another veil network
    /// are rejected.
    constructor(CommitteeRegistry registry_, bytes memory chainId_) {
        if (address(registry_) == address(0)) revert ZeroAddress();
        if (chainId_.length == 0 || chainId_.length > MAX_CHAIN_ID) revert BadChainId(chainId_.length);
        registry = registry_;
        bytes memory prefix = abi.encodePacked("veil/batch/v1", uint8(chainId_.length), chainId_, bytes32(0), bytes32(0));
        bytes32 a;
        bytes32 b;
        assembly ("memory-safe") {
            a := mload(add(prefix, 32))
            b := mload(add(prefix, 64))
        }
        _prefixA = a;
        _prefixB = b;
        _prefixLen = 14 + chainId_.length;
    }

    /// @dev The registry's owner governs the inbox too, so one multisig
    /// holds every governance role.
    modifier onlyOwner() {
        if (msg.sender != registry.owner()) revert NotOwner(msg.sender);
        _;
    }

    /// @notice Allows `poster` to post. From the first allowed poster on,
    /// only allowed posters may post.
    /// @dev Only the registry's owner; reverts with PosterExists if
    /// `poster` is already allowed.
    /// @param poster The relayer's address.
    function addPoster(address poster) external onlyOwner {
        if (poster == address(0)) revert ZeroAddress();
        if (isPoster[poster]) revert PosterExists(poster);
        isPoster[poster] = true;
        ++posterCount;
        emit PosterAdded(poster);
    }

    /// @notice Removes `poster` from the allowlist. Removing the last
    /// poster makes posting permissionless again.
    /// @dev Only the registry's owner; reverts with UnknownPoster if
    /// `poster` is not allowed.
    /// @param poster An allowed poster.
    function removePoster(address poster) external onlyOwner {
        if (!isPoster[poster]) revert UnknownPoster(poster);
        isPoster[poster] = false;
        --posterCount;
        emit PosterRemoved(poster);
    }

    /// @notice The sequencer chain ID this inbox accepts signatures for.
    function chainId() external view returns (bytes memory id) {
        uint256 n = _prefixLen - 14;
        id = new bytes(n);
        bytes32 a = _prefixA;
        bytes32 b = _prefixB;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, a)
            mstore(add(buf, 32), b)
            mcopy(add(id, 32), add(buf, 14), n)
        }
    }

    /// @notice The batch root posted for `height`, or zero if none was.
    /// @param height A sequencer height.
    function batchRoot(uint64 height) external view returns (bytes32) {
        return _roots[height];
    }

    /// @notice The 32-byte message the committee signs for (height, root).
    /// @param height The sequencer height.
    /// @param root The batch root.
    function batchMessage(uint64 height, bytes32 root) external view returns (bytes32) {
        return _message(height, root);
    }

    /// @notice Posts the batch root of one height with the committee's
    /// signature on it.
    /// @dev Reverts with NotPoster while the allowlist is non-empty and
    /// the caller is not on it, with StaleHeight unless height > lastHeight, with the
    /// registry's UnknownEon, EonIsRevoked or HeightOutsideEon unless `eon`
    /// may sign `height`, and with InvalidSignature unless the signature
    /// verifies.
    /// @param height The sequencer height; must exceed lastHeight.
    /// @param root The batch root of that height.
    /// @param eon The eon whose committee signed.
    /// @param signature σ in the EIP-2537 G1 encoding (128 bytes).
    function postBatch(uint64 height, bytes32 root, uint64 eon, bytes calldata signature) external {
        uint64 last = lastHeight;
        _checkPoster();
        if (height <= last) revert StaleHeight(height, last);
        address key = registry.keyFor(eon, height, height);
        uint256 buf = _scratch();
        _hashToG1(_message(height, root), buf + HM, buf + WORK);
        _checkPairing(buf, signature, key);
        _roots[height] = root;
        lastHeight = height;
        emit BatchPosted(height, eon, root);
    }

    /// @notice Posts the batch roots of several heights signed by one eon,
    /// with one aggregate signature: the sum of the committee's signatures
    /// on each height's message.
    /// @dev Reverts as postBatch does (NotPoster, StaleHeight, the
    /// registry's eon errors, InvalidSignature), and with EmptyBatch,
    /// BatchTooLarge or LengthMismatch on malformed arguments.
    ///
    /// The check is e(Σσ_i, −g2)·e(ΣH(m_i), P) = 1: one two-pair
    /// pairing check however many heights, instead of one per height. It is
    /// BLS aggregate verification (Boneh, Gentry, Lynn and Shacham,
    /// "Aggregate and verifiably encrypted signatures from bilinear maps",
    /// EUROCRYPT 2003, §3) with one signer key, which is sound when the
    /// messages are distinct; here they are, since each contains its own
    /// height and heights are strictly increasing. Producing such a sum for
    /// a set containing an unsigned message would give that message's
    /// signature (subtract the signed ones), so every root posted was
    /// signed. The individual signatures are not recoverable on-chain and
    /// are not needed: only the roots are stored.
    /// @param heights Strictly increasing heights, all above lastHeight; 1 to
    /// MAX_BATCH of them.
    /// @param roots The batch root of each height.
    /// @param eon The eon whose committee signed all of them.
    /// @param aggregateSignature Σσ_i in the EIP-2537 G1 encoding (128 bytes).
    function postBatches(
        uint64[] calldata heights,
        bytes32[] calldata roots,
        uint64 eon,
        bytes calldata aggregateSignature
    ) external {
        uint256 n = heights.length;
        if (n == 0) revert EmptyBatch();
        if (n > MAX_BATCH) revert BatchTooLarge(n, MAX_BATCH);
        if (roots.length != n) revert LengthMismatch(n, roots.length);
        uint64 prev = lastHeight;
        _checkPoster();
        for (uint256 i; i < n; ++i) {
            uint64 h = heights[i];
            if (h <= prev) revert StaleHeight(h, prev);
            prev = h;
        }
        address key = registry.keyFor(eon, heights[0], prev);
        uint256 buf = _scratch();
        _hashToG1(_message(heights[0], roots[0]), buf + HM, buf + WORK);
        for (uint256 i = 1; i < n; ++i) {
            _hashToG1(_message(heights[i], roots[i]), buf + ACC, buf + WORK);
            _g1Add(buf + HM, buf + ACC, buf + HM);
        }
        _checkPairing(buf, aggregateSignature, key);
        for (uint256 i; i < n; ++i) {
            _roots[heights[i]] = roots[i];
            emit BatchPosted(heights[i], eon, roots[i]);
        }
        lastHeight = prev;
    }

    /// @notice Whether `leafHash` is a leg of rollup `rollupId` in the batch
    /// posted for `height`. Returns false for unposted heights and malformed
    /// proofs; never reverts on a bad proof.
    /// @param rollupId The rollup the leg belongs to.
    /// @param height The posted height.
    /// @param leafHash The leg's RFC 9162 leaf hash, keccak256(0x00 ‖ leg).
    /// @param proof The leg's inclusion proof.
    function verifyLeg(uint64 rollupId, uint64 height, bytes32 leafHash, LegProof calldata proof)
        external
        view
        returns (bool)
    {
        bytes32 root = _roots[height];
        if (root == bytes32(0)) return false;
        (bytes32 rollupRoot, bool ok) = _rootFromPath(proof.legIndex, proof.legCount, leafHash, proof.legPath);
        if (!ok) return false;
        bytes32 entry = keccak256(abi.encodePacked(bytes1(0x00), rollupId, rollupRoot, proof.legCount));
        bytes32 computed;
        (computed, ok) = _rootFromPath(proof.entryIndex, proof.entryCount, entry, proof.entryPath);
        return ok && computed == root;
    }

    /// @dev Reverts with NotPoster unless posting is permissionless (no
    /// poster allowed) or the caller is an allowed poster.
    function _checkPoster() internal view {
        if (posterCount != 0 && !isPoster[msg.sender]) revert NotPoster(msg.sender);
    }

    /// @dev m = keccak256(prefix ‖ u64be height ‖ root).
    function _message(uint64 height, bytes32 root) internal view returns (bytes32 m) {
        bytes32 a = _prefixA;
        bytes32 b = _prefixB;
        uint256 n = _prefixLen;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, a)
            mstore(add(buf, 32), b)
            mstore(add(buf, n), shl(192, height))
            mstore(add(add(buf, n), 8), root)
            m := keccak256(buf, add(n, 40))
        }
    }

    // Offsets in the scratch buffer. The pairing input is laid out in
    // place: σ ‖ −g2 ‖ H(m) ‖ P.
    uint256 internal constant SIG = 0;
    uint256 internal constant NEGG2 = 128;
    uint256 internal constant HM = 384;
    uint256 internal constant KEY = 512;
    uint256 internal constant ACC = 768; // a second G1 point
    uint256 internal constant WORK = 896; // hash-to-curve workspace, 448 bytes
    uint256 internal constant SCRATCH_SIZE = 1344;

    /// @dev Allocates the scratch buffer.
    function _scratch() internal pure returns (uint256 buf) {
        assembly ("memory-safe") {
            buf := mload(0x40)
            mstore(0x40, add(buf, SCRATCH_SIZE))
        }
    }

    /// @dev Writes H(m), RFC 9380 hash_to_curve with expand_message_xmd
    /// (SHA-256) and SIGNATURE_DST, to the 128 bytes at `out`, using the 448
    /// bytes at `w` as workspace. The two field
    /// elements are reduced modulo p with the MODEXP precompile (exponent 1)
    /// and mapped with MAP_FP_TO_G1, which includes cofactor clearing; since
    /// clearing is a group homomorphism, adding the two cleared points
    /// equals clearing their sum as RFC 9380 §3 specifies.
    function _hashToG1(bytes32 m, uint256 out, uint256 w) internal view {
        bool ok = true;
        assembly ("memory-safe") {
            // b0 = H(Z_pad(64) ‖ m ‖ I2OSP(128, 2) ‖ I2OSP(0, 1) ‖ DST_prime)
            mstore(w, 0)
            mstore(add(w, 32), 0)
            mstore(add(w, 64), m)
            mstore(add(w, 96), shl(240, 0x0080)) // then 0x00 at w+98
            mstore(add(w, 99), DST_PRIME_A)
            mstore(add(w, 131), DST_PRIME_B)
            ok := and(ok, staticcall(gas(), SHA256, w, 144, add(w, 320), 32))
            let b0 := mload(add(w, 320))
            // b1 = H(b0 ‖ I2OSP(1, 1) ‖ DST_prime); b_i = H((b0 ⊕ b_{i−1}) ‖ I2OSP(i, 1) ‖ DST_prime).
            // uniform_bytes = b1 ‖ b2 ‖ b3 ‖ b4 at w+320 .. w+448 (b0 is overwritten by b1).
            mstore(add(w, 33), DST_PRIME_A)
            mstore(add(w, 65), DST_PRIME_B)
            let prev := 0
            for { let i := 1 } lt(i, 5) { i := add(i, 1) } {
                mstore(w, xor(b0, prev))
                mstore8(add(w, 32), i)
                let dst := add(w, add(320, mul(sub(i, 1), 32)))
                ok := and(ok, staticcall(gas(), SHA256, w, 78, dst, 32))
                prev := mload(dst)
            }
            // Reduce each 64-byte half modulo p: MODEXP(base, 1, p) with the
            // input 64 ‖ 1 ‖ 48 ‖ base(64) ‖ 0x01 ‖ p(48) (209 bytes, at w),
            // writing 48 bytes into an Fp slot (16 zero bytes first) at
            // w+224. MAP_FP_TO_G1 writes u0's point to out and u1's to w+288
            // (over uniform bytes already read).
            mstore(add(w, 224), 0)
            for { let j := 0 } lt(j, 2) { j := add(j, 1) } {
                let half := add(w, add(320, mul(j, 64)))
                let hi := mload(half)
                let lo := mload(add(half, 32))
                mstore(w, 64)
                mstore(add(w, 32), 1)
                mstore(add(w, 64), 48)
                mstore(add(w, 96), hi)
                mstore(add(w, 128), lo)
                mstore8(add(w, 160), 1)
                mstore(add(w, 161), P_HI)
                mstore(add(w, 177), P_LO)
                ok := and(ok, staticcall(gas(), MODEXP, w, 209, add(w, 240), 48))
                ok := and(ok, eq(returndatasize(), 48))
                switch j
                case 0 { ok := and(ok, staticcall(gas(), MAP_FP_TO_G1, add(w, 224), 64, out, 128)) }
                default {
                    ok := and(ok, staticcall(gas(), MAP_FP_TO_G1, add(w, 224), 64, add(w, 288), 128))
                }
                ok := and(ok, eq(returndatasize(), 128))
            }
        }
        if (!ok) revert PrecompileFailed(address(uint160(MAP_FP_TO_G1)));
        _g1Add(out, w + 288, out);
    }

    /// @dev Writes a + b (128-byte G1 points at a and b) to out; out may
    /// equal a or b. Builds the precompile input in free memory.
    function _g1Add(uint256 a, uint256 b, uint256 out) internal view {
        bool ok;
        assembly ("memory-safe") {
            let in_ := mload(0x40)
            mcopy(in_, a, 128)
            mcopy(add(in_, 128), b, 128)
            ok := staticcall(gas(), G1ADD, in_, 256, out, 128)
            ok := and(ok, eq(returndatasize(), 128))
        }
        if (!ok) revert PrecompileFailed(address(uint160(G1ADD)));
    }

    /// @dev Checks e(σ, −g2)·e(H, P) = 1 with H already at buf+HM, σ from
    /// calldata and P copied from the eon's data contract.
    function _checkPairing(uint256 buf, bytes calldata signature, address key) internal view {
        if (signature.length != 128) revert BadSignatureLength(signature.length);
        // The identity is nobody's signature (it verifies only against a key
        // at infinity, which the registry refuses); reject it outright.
        if (bytes32(signature[0:32]) | bytes32(signature[32:64]) | bytes32(signature[64:96]) | bytes32(signature[96:128]) == 0) {
            revert InvalidSignature();
        }
        bytes memory negG2 = NEG_G2;
        bool ok;
        uint256 result;
        assembly ("memory-safe") {
            calldatacopy(add(buf, SIG), signature.offset, 128)
            mcopy(add(buf, NEGG2), add(negG2, 32), 256)
            extcodecopy(key, add(buf, KEY), 1, 256)
            ok := staticcall(gas(), PAIRING, buf, 768, 0, 32)
            ok := and(ok, eq(returndatasize(), 32))
            result := mload(0)
        }
        // The precompile fails on a point off the curve or outside G1.
        if (!ok || result != 1) revert InvalidSignature();
    }

    /// @dev The root of a tree of `size` leaves from leaf `index`'s hash and
    /// audit path, by RFC 9162 §2.1.3.2; ok is false when the path does not
    /// fit (index, size).
    function _rootFromPath(uint256 index, uint256 size, bytes32 leaf, bytes32[] calldata path)
        internal
        pure
        returns (bytes32 r, bool ok)
    {
        if (index >= size || path.length > MAX_PROOF_DEPTH) return (0, false);
        uint256 fn = index;
        uint256 sn = size - 1;
        r = leaf;
        for (uint256 i; i < path.length; ++i) {
            if (sn == 0) return (0, false);
            bytes32 p = path[i];
            if (fn & 1 == 1 || fn == sn) {
                r = _node(p, r);
                if (fn & 1 == 0) {
                    // fn == sn and fn even: this level has no right sibling;
                    // climb until fn is a right child. At most 64 steps.
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = _node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return (0, false);
        return (r, true);
    }

    /// @dev keccak256(0x01 ‖ left ‖ right).
    function _node(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore8(buf, 1)
            mstore(add(buf, 1), left)
            mstore(add(buf, 33), right)
            h := keccak256(buf, 65)
        }
    }
}
