"""Every error govchain raises derives from GovchainError and says what to do about it."""

from __future__ import annotations


class GovchainError(Exception):
    """Root of govchain's exceptions."""


class ChainError(GovchainError):
    """The local chain could not be started, reached or stopped."""


class ChainNotRunning(ChainError):
    """No chain answers at the configured RPC URL."""


class DeploymentError(GovchainError):
    """The deployment file is missing, malformed or points to contracts that are not on chain."""
