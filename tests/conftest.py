"""Test configuration: Hypothesis profiles.

``default`` is what CI runs. ``fast`` is for quick local runs, a few examples a
property: ``HYPOTHESIS_PROFILE=fast pytest`` or ``pytest --hypothesis-profile=fast``.
``thorough`` is for a longer local search: ``pytest --hypothesis-profile=thorough``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from pathway_model.io import _converter

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


@pytest.fixture(params=["fast", "constructors"])
def loading_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the loader's generated fast path on, then with it off.

    Off, every object is built by its validated constructor alone, so each loading test
    holds the two ways to the same results (as cattrs' tests run in each converter mode).
    The serialisation test modules use it for every test: ``pytestmark``.
    """
    monkeypatch.setattr(_converter, "FAST_PATH", request.param == "fast")
    return str(request.param)
