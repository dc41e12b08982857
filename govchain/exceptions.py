"""Every error govchain raises derives from GovchainError and says what to do about it."""

from __future__ import annotations

from typing import Any


class GovchainError(Exception):
    """Root of govchain's exceptions."""


class ConfigError(GovchainError):
    """The configuration file or an environment variable is missing or malformed."""


class ChainError(GovchainError):
    """The local chain could not be started, reached or stopped."""


class ChainNotRunning(ChainError):
    """No chain answers at the configured RPC URL."""

    LOCAL_DEFAULT_URL = "http://127.0.0.1:8545"  # `govchain chain start`'s chain (Config's default rpc_url)

    @classmethod
    def at(cls, url: str) -> "ChainNotRunning":
        """The error for `url`, with the advice that fits it: start the local chain only where that is
        the chain meant (the local default URL); elsewhere, check the URL and the node."""
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if url.rstrip("/") in (cls.LOCAL_DEFAULT_URL, "http://localhost:8545"):
            return cls(f"no chain answers at {url}; start one with `govchain chain start`")
        if parts.hostname in ("127.0.0.1", "localhost") and parts.port:
            return cls(f"no chain answers at {url}; check the URL (GOVCHAIN_RPC_URL), or start a local chain there "
                       f"with `govchain chain start --port {parts.port}`")  # fmt: skip
        return cls(f"no chain answers at {url}; check the URL (GOVCHAIN_RPC_URL or rpc_url in the config file) and that the "
                   "node is up and reachable from here")  # fmt: skip


class WrongNetwork(ChainError):
    """The chain at the RPC URL is not the one the deployment file was written for."""


class DeploymentError(GovchainError):
    """The deployment file is missing, malformed or points to contracts that are not on chain."""


class ArtifactError(GovchainError):
    """A compiled artifact (ABI, bytecode) is missing: run `make compile`."""


class SignerError(GovchainError):
    """No signing key could be loaded (environment variable, keystore file or password)."""


class TransactionError(GovchainError):
    """A transaction could not be sent or confirmed."""

    def __init__(self, message: str, tx_hash: str | None = None) -> None:
        super().__init__(message)
        self.tx_hash = tx_hash


class ContractRevert(TransactionError):
    """A contract refused the call with a custom error, decoded by name and arguments.

    Each custom error of the suite gets its own subclass (see `revert_class`), so callers can write
    `except revert_class("EnterpriseRegistryAlreadyRegistered")` or test `exc.error == "..."`.
    """

    error: str = "ContractRevert"

    def __init__(self, error: str, arguments: dict[str, Any], contract: str | None = None, tx_hash: str | None = None) -> None:
        self.error = error
        self.arguments = arguments
        self.contract = contract
        rendered = ", ".join(f"{k}={_render(v)}" for k, v in arguments.items())
        super().__init__(f"{error}({rendered})", tx_hash)


class UnknownRevert(TransactionError):
    """A transaction reverted with data that matches no error in the suite's ABIs."""


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        text = value.rstrip(b"\0")
        if len(value) <= 32 and text and all(32 <= c < 127 for c in text):
            return repr(text.decode())
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


_REVERT_CLASSES: dict[str, type[ContractRevert]] = {}


def revert_class(error: str) -> type[ContractRevert]:
    """The ContractRevert subclass for custom error `error` (created once, then reused)."""
    if error not in _REVERT_CLASSES:
        _REVERT_CLASSES[error] = type(error, (ContractRevert,), {"error": error, "__module__": __name__})
    return _REVERT_CLASSES[error]
