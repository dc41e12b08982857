"""Chain time against the wall clock.

A local demo chain moves its clock forward (`evm_increaseTime`) so that deadlines pass and cases
become overdue; its blocks then carry dates ahead of today. Pages and the demo's summary say so.
"""

from __future__ import annotations

import time

DAY_S = 24 * 3600


def days_ahead(chain_time: int, wall_time: float | None = None) -> int:
    """Days (rounded) chain time `chain_time` (a block timestamp) is ahead of the wall clock; 0 when it
    is not ahead by at least half a day."""
    now = time.time() if wall_time is None else wall_time
    return max(round((chain_time - now) / DAY_S), 0)
