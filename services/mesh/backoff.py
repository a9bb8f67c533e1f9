"""Exponential backoff with full jitter, for loops that must outlive a dependency's outage.

The delay before retry ``n`` (1-based) is drawn uniformly from ``[0, min(cap_s, base_s * 2**(n-1))]``
("full jitter", M. Brooker, *Exponential Backoff And Jitter*, AWS Architecture Blog, 2015:
https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), so that many workers
that lost the same database at the same moment do not come back in lockstep. A floor keeps a
tight loop from spinning when the draw is near zero.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Successive delays, in seconds, for one failing operation; :meth:`reset` after a success.

    Args:
        base_s: the ceiling of the first delay.
        cap_s: the largest ceiling any delay may have.
        floor_s: the smallest delay returned.
        rng: the random source (a seeded ``random.Random`` in tests).
    """

    base_s: float = 0.2
    cap_s: float = 5.0
    floor_s: float = 0.05
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def ceiling(self, failures: int) -> float:
        """The upper bound of the delay after ``failures`` consecutive failures (``failures >= 1``)."""
        return float(min(self.cap_s, self.base_s * 2 ** max(0, min(failures - 1, 62))))

    def next_delay(self) -> float:
        """Count one more failure and return the delay to wait before trying again."""
        self.failures += 1
        return max(self.floor_s, self.rng.uniform(0.0, self.ceiling(self.failures)))

    def reset(self) -> None:
        """Forget the failures (call after the operation succeeded)."""
        self.failures = 0
