"""Off-chain twins of the contracts' encodings, in one place.

- USCC (统一社会信用代码, GB 32100-2015) validation: the twin of contracts/libraries/USCC.sol.
- Enterprise names (well-formed UTF-8, no control characters): the twin of contracts/libraries/EnterpriseName.sol.
- Identity commitments: the salted hash that stands for a person on chain.
- Identity tags: the keyed hash that makes one person one binding (IdentityRegistry.tagHolder).
- Merkle trees and proofs: the twin of OpenZeppelin's MerkleProof (sorted pairs, double-hashed leaves).

Tests compare each with the contracts bit for bit (tests/test_domain.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak

from govchain.exceptions import GovchainError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]

ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CARD_CHECK = "10X98765432"
COMMITMENT_DOMAIN = b"govchain.identity.v1"


class InvalidUSCC(GovchainError, ValueError):
    """Not a valid unified social credit code; the message says which character is wrong."""

    def __init__(self, uscc: str, reason: str, position: int | None = None, expected: str | None = None) -> None:
        super().__init__(f"invalid USCC {uscc!r}: {reason}")
        self.uscc = uscc
        self.position = position
        self.expected = expected


class InvalidIdNumber(GovchainError, ValueError):
    """Not a valid 18-digit resident ID-card number (GB 11643-1999)."""


def uscc_check_character(first17: str) -> str:
    """The check character (18th) of a code whose first 17 characters are `first17`."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(uscc: str) -> str:
    """Return `uscc` unchanged if valid, else raise InvalidUSCC (same rules as USCC.sol)."""
    if not isinstance(uscc, str) or len(uscc) != USCC_LENGTH:
        raise InvalidUSCC(str(uscc), f"must be {USCC_LENGTH} characters, got {len(uscc) if isinstance(uscc, str) else type(uscc).__name__}")
    for position, char in enumerate(uscc):
        if char not in USCC_ALPHABET:
            raise InvalidUSCC(uscc, f"character {position + 1} ({char!r}) is not in the GB 32100 alphabet", position)
    expected = uscc_check_character(uscc[:17])
    if uscc[17] != expected:
        raise InvalidUSCC(uscc, f"check character is {uscc[17]!r}, expected {expected!r}", 17, expected)
    return uscc


def is_valid_uscc(uscc: str) -> bool:
    try:
        validate_uscc(uscc)
    except InvalidUSCC:
        return False
    return True


def uscc_bytes(uscc: str) -> bytes:
    """The code as the contracts take it: bytes18 (validated)."""
    return validate_uscc(uscc).encode("ascii")


def uscc_subject(uscc: str) -> bytes:
    """The code as an identity key / credit subject: bytes18 left-aligned in bytes32 (USCC.subject)."""
    return uscc_bytes(uscc).ljust(32, b"\0")


ENTERPRISE_NAME_MAX_BYTES = 150  # EnterpriseName.MAX_BYTES: 50 Chinese characters of 3 UTF-8 bytes


class InvalidEnterpriseName(GovchainError, ValueError):
    """An enterprise name the registry would refuse (EnterpriseNameLength / EnterpriseNameInvalidCharacter)."""

    def __init__(self, reason: str, offset: int | None = None) -> None:
        super().__init__(f"invalid enterprise name: {reason}")
        self.offset = offset  # the byte offset EnterpriseNameInvalidCharacter names; None for a bad length


def enterprise_name_problem(data: bytes) -> int | None:
    """The byte offset of the first character EnterpriseName.sol refuses (not well-formed UTF-8, or a
    control character: Unicode category Cc), or None if every byte is fine. Length is not checked."""
    try:
        text, limit = data.decode("utf-8"), None
    except UnicodeDecodeError as error:  # strict UTF-8, as Unicode table 3-7 and the contract
        text, limit = data[: error.start].decode("utf-8"), error.start
    offset = 0
    for char in text:
        if unicodedata.category(char) == "Cc":
            return offset
        offset += len(char.encode("utf-8"))
    return limit


def validate_enterprise_name(name: str) -> bytes:
    """The name as the registry takes it (UTF-8 bytes), or InvalidEnterpriseName (same rules as EnterpriseName.sol)."""
    try:
        data = name.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate
        raise InvalidEnterpriseName("it is not valid Unicode text", len(name[: error.start].encode("utf-8"))) from None
    if not data or len(data) > ENTERPRISE_NAME_MAX_BYTES:
        raise InvalidEnterpriseName(f"it must have 1 to {ENTERPRISE_NAME_MAX_BYTES} bytes of UTF-8, got {len(data)}")
    offset = enterprise_name_problem(data)
    if offset is not None:
        raise InvalidEnterpriseName(f"a control character at byte {offset}", offset)
    return data


def uscc_of_subject(subject: str | bytes) -> str | None:
    """The USCC a subject names (bytes18 left-aligned in bytes32, 0x-hex or bytes), or None when it names none."""
    raw = bytes.fromhex(subject[2:]) if isinstance(subject, str) and subject.startswith("0x") else subject
    if not isinstance(raw, bytes) or len(raw) != 32 or any(raw[18:]):
        return None
    try:
        text = raw[:18].decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if is_valid_uscc(text) else None


def validate_id_number(id_number: str) -> str:
    """Normalise (upper-case X) and check an 18-digit resident ID-card number's check digit."""
    normalized = id_number.strip().upper()
    if len(normalized) != 18 or not normalized[:17].isdigit():
        raise InvalidIdNumber("an ID-card number has 17 digits and a check character")
    if normalized[17] != id_check_character(normalized[:17]):
        raise InvalidIdNumber("the ID-card number's check character is wrong")
    return normalized


def id_check_character(first17: str) -> str:
    """GB 11643: the 18th character of an ID-card number whose first 17 digits are `first17`."""
    return ID_CARD_CHECK[sum(int(d) * w for d, w in zip(first17, ID_CARD_WEIGHTS, strict=True)) % 11]


# --- recognising an ID-card number typed where it must not go (the explorer's search box) ------------
# The twin of govchainIdentity.containsIdNumber (explorer/static/identity.js); tests compare the two.

_ID18 = re.compile(r"[1-9][0-9]{16}[0-9X]")
_ID15 = re.compile(r"[1-9][0-9]{14}")  # the legacy 15-digit number: birth date as YYMMDD, no check character
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_birth_date(yyyymmdd: str) -> bool:
    year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])
    if not (1900 <= year <= 2099 and 1 <= month <= 12):
        return False
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    return 1 <= day <= (29 if month == 2 and leap else _DAYS[month - 1])


def looks_like_id_number(text: str) -> bool:
    """Whether `text` (upper case, no separators) is shaped as a resident ID-card number: 18 characters
    (17 digits and a digit or X) with a real birth date at 7-14 and the GB 11643 check character, or
    with a wrong one unless it is a valid USCC (a mistyped ID number is still personal data); or the
    legacy 15 digits with a real birth date at 7-12."""
    if _ID18.fullmatch(text) and _is_birth_date(text[6:14]):
        return text[17] == id_check_character(text[:17]) or not is_valid_uscc(text)
    return bool(_ID15.fullmatch(text)) and _is_birth_date("19" + text[6:12])


def contains_id_number(query: str) -> bool:
    """Whether a search query is, or contains, an ID-card number: compared after Unicode NFKC (full-width
    digits typed with a Chinese input method) and upper-casing, as a whole without separators
    ("370202 19900101 1237") and word by word ("身份证 370202199001011237")."""
    text = unicodedata.normalize("NFKC", query).upper()
    candidates = [re.sub(r"[^0-9A-Z]", "", text), *re.findall(r"[0-9A-Z]+", text)]
    return any(looks_like_id_number(candidate) for candidate in candidates)


def new_salt() -> bytes:
    """A fresh 32-byte salt. The citizen keeps it; without it the commitment reveals nothing."""
    return secrets.token_bytes(32)


def identity_commitment(id_number: str, salt: bytes) -> bytes:
    """keccak256("govchain.identity.v1" ‖ salt ‖ ID number): the only form a person takes on chain.

    The explorer's "verify my payment" page computes the same hash in the browser.
    """
    if len(salt) != 32:
        raise GovchainError("the salt must be 32 bytes")
    return keccak(COMMITMENT_DOMAIN + salt + validate_id_number(id_number).encode("ascii"))


IDENTITY_TAG_KEY_BYTES = 32  # shortest identity-authority key accepted (HMAC-SHA256 block strength)


def identity_tag(id_number: str, key: bytes) -> bytes:
    """HMAC-SHA256(key, normalised 18-character ID number): the person's uniqueness tag.

    The same for every salt, so IdentityRegistry refuses a second binding of the same person; without
    the identity authority's `key` (govchain.signer.identity_tag_key) it reveals nothing, not even
    to someone who tries every ID number.
    """
    if len(key) < IDENTITY_TAG_KEY_BYTES:
        raise GovchainError(f"the identity tag key must be at least {IDENTITY_TAG_KEY_BYTES} bytes")
    return hmac.new(key, validate_id_number(id_number).encode("ascii"), hashlib.sha256).digest()


# --- Merkle trees (OpenZeppelin MerkleProof: commutative keccak of sorted pairs) -------------


def merkle_leaf(types: list[str], values: list[object]) -> bytes:
    """keccak256(bytes.concat(keccak256(abi.encode(values)))): OpenZeppelin's standard leaf."""
    return keccak(keccak(encode(types, values)))


def _hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


@dataclass(frozen=True)
class MerkleTree:
    """A tree over leaf hashes, in the order given; proofs verify with OpenZeppelin MerkleProof."""

    leaves: tuple[bytes, ...]
    layers: tuple[tuple[bytes, ...], ...]

    @classmethod
    def build(cls, leaves: list[bytes]) -> "MerkleTree":
        if not leaves:
            raise GovchainError("a Merkle tree needs at least one leaf")
        layers = [tuple(leaves)]
        while len(layers[-1]) > 1:
            level = layers[-1]
            layers.append(
                tuple(_hash_pair(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2))
            )
        return cls(tuple(leaves), tuple(layers))

    @property
    def root(self) -> bytes:
        return self.layers[-1][0]

    def proof(self, index: int) -> list[bytes]:
        """Sibling hashes from leaf `index` up to the root."""
        if not 0 <= index < len(self.leaves):
            raise GovchainError(f"leaf index {index} out of range (tree has {len(self.leaves)} leaves)")
        proof = []
        for level in self.layers[:-1]:
            sibling = index ^ 1
            if sibling < len(level):
                proof.append(level[sibling])
            index //= 2
        return proof


def verify_merkle_proof(proof: list[bytes], root: bytes, leaf: bytes) -> bool:
    computed = leaf
    for node in proof:
        computed = _hash_pair(computed, node)
    return computed == root


def payout_leaf(batch_id: int, beneficiary: bytes, amount: int, settlement_ref: bytes) -> bytes:
    """Merkle leaf of one bank-settled payout: the twin of Disbursements._verifyBank.

    abi.encode(uint256 batchId, bytes32 beneficiary commitment, uint64 amount in fen, bytes32 settlement
    reference hash), double-hashed as OpenZeppelin's standard leaf. A batch's root (`executeBankBatch`)
    is MerkleTree.build over these leaves; a citizen verifies their payout with `verifyBankPayout`.
    """
    if len(beneficiary) != 32 or len(settlement_ref) != 32 or not 0 <= amount < 2**64 or not 0 <= batch_id < 2**256:
        raise GovchainError("a payout leaf takes a uint256 batch id, 32-byte commitment and reference, and a uint64 amount")
    # All four types are static, so abi.encode is their four 32-byte words in order; written out because
    # the explorer rebuilds whole batches' trees (1,000 leaves) per lookup, ~8x faster than eth_abi.
    return keccak(keccak(batch_id.to_bytes(32, "big") + beneficiary + amount.to_bytes(32, "big") + settlement_ref))
