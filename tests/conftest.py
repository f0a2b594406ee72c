"""Test configuration: Hypothesis profiles.

``default`` is what CI runs. ``fast`` is for quick local runs, a few examples a
property: ``HYPOTHESIS_PROFILE=fast pytest`` or ``pytest --hypothesis-profile=fast``.
``thorough`` is for a longer local search: ``pytest --hypothesis-profile=thorough``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fast",
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
