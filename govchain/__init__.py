"""govchain: Python client layer for the govchain government public-service chain.

Uses web3.py and eth-account only; it never imports brownie at run time.
"""

__version__ = "0.1.0"
