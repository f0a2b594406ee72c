"""What a service is set up with: its URL, its keys, its callers, its limits and its date."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import attrs

from pathway_model import PathwayDefinition
from pathway_model.errors import ValidationError, WrongTypeError, show_code

__all__ = ["ServiceConfig", "london_today", "utc_now"]

_LONDON = ZoneInfo("Europe/London")

#: The signing algorithms a caller may use: ECDSA P-384 and RSA, both with SHA-384.
ALGORITHMS = ("ES384", "RS384")


def utc_now() -> dt.datetime:
    """The clock at the edge: the current time, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def london_today(now: dt.datetime) -> dt.date:
    """The calendar date in England at the instant ``now`` (which carries its zone)."""
    return now.astimezone(_LONDON).date()


def _base_url(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str:
        raise WrongTypeError.single("base_url", "a URL (a string)", type(value).__name__)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError.single(
            "base_url", "an http or https URL with a host, e.g. https://cds.example.org", "text"
        )
    if parts.query or parts.fragment or value.endswith("/"):
        raise ValidationError.single(
            "base_url", "a URL without a query, a fragment or a trailing /", show_code(value)
        )


def _issuers(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple, frozenset, set)):
        raise WrongTypeError.single("issuers", "a list of issuer strings", type(value).__name__)
    found = tuple(sorted(set(value)))
    for number, issuer in enumerate(found):
        if type(issuer) is not str or not issuer:
            raise ValidationError.single(
                f"issuers[{number}]", "an issuer (a non-empty string)", type(issuer).__name__
            )
    return found


def _origins(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple, frozenset, set)):
        raise WrongTypeError.single(
            "cors_origins",
            "a list of origins, e.g. ['https://epr.example.org']",
            type(value).__name__,
        )
    found = tuple(sorted(set(value)))
    for number, origin in enumerate(found):
        parts = urlsplit(origin) if type(origin) is str else None
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or (parts.path or parts.query or parts.fragment)
        ):
            raise ValidationError.single(
                f"cors_origins[{number}]",
                "an origin: scheme and host, e.g. https://epr.example.org",
                show_code(origin) if type(origin) is str else type(origin).__name__,
            )
    return found


def _positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 1:
        raise ValidationError.single(
            attribute.name, "a whole number of at least 1", repr(value)[:40]
        )


def _path(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name in ("audit", "replay_store"):
        return
    if not isinstance(value, Path):
        raise WrongTypeError.single(attribute.name, "a pathlib.Path", type(value).__name__)


def _definition(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, PathwayDefinition):
        raise WrongTypeError.single(
            "definition", "a PathwayDefinition or None", type(value).__name__
        )


def _as_of(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not dt.date):
        raise WrongTypeError.single("as_of", "a date or None", type(value).__name__)


@attrs.frozen(kw_only=True)
class ServiceConfig:
    """How a decision-support service is set up.

    The service reads no environment variable and no file but those named here; the
    JWKS file is read once, when the app is made.

    Attributes:
        base_url: The URL the service is reached at, without a trailing ``/``, e.g.
            ``https://cds.example.org/pathway``. A caller's token must name it, or the
            URL of the endpoint called, as its audience (``aud``).
        jwks: A JSON Web Key Set file holding the public keys of the callers (EC P-384
            keys for ES384, RSA keys for RS384), each with its ``kid``.
        issuers: The callers allowed: the ``iss`` a token must carry (sorted, without
            repeats).
        audit: A JSON Lines file that card feedback is appended to; ``None`` to keep no
            feedback (it is accepted and dropped).
        definition: The pathway definition records follow; ``None`` for the built-in
            one each record names.
        cors_origins: Browser origins allowed to call the service (none by default).
        max_body_bytes: The largest request body accepted, in bytes.
        max_json_depth: The deepest nesting of arrays and objects accepted in a body.
        max_documents: The most documents a JSON Lines body may hold.
        max_token_lifetime: The longest a token may live, ``exp`` less ``iat``, in seconds
            (CDS Hooks asks for five minutes at most).
        clock_skew: Seconds of difference allowed between the caller's clock and ours.
        replay_cache_size: How many token ids (``jti``) are remembered until their
            tokens expire; when it is full of live ones, calls are refused until some
            expire.
        replay_store: A SQLite file on a local disk that holds the token ids seen, shared
            by every process of the service on the machine (made if missing); ``None``
            (the default) to hold them in the process, which then must be the service's
            only one. A token any process has seen is refused by all, and still refused
            after a restart while it lives.
        as_of: The date the rules decide for, fixed; ``None`` (the default) for the
            date in England when each call arrives. The rules never read the clock:
            the service reads it once per call, at the edge, through ``now``.
        now: The clock at the edge, for ``exp`` and ``iat`` and for the date of a call
            when ``as_of`` is ``None``; replace it in tests.
    """

    base_url: str = attrs.field(validator=_base_url)
    jwks: Path = attrs.field(validator=_path)
    issuers: tuple[str, ...] = attrs.field(converter=_issuers)
    audit: Path | None = attrs.field(default=None, validator=_path)
    definition: PathwayDefinition | None = attrs.field(default=None, validator=_definition)
    cors_origins: tuple[str, ...] = attrs.field(default=(), converter=_origins)
    max_body_bytes: int = attrs.field(default=4 * 1024 * 1024, validator=_positive)
    max_json_depth: int = attrs.field(default=64, validator=_positive)
    max_documents: int = attrs.field(default=1000, validator=_positive)
    max_token_lifetime: int = attrs.field(default=300, validator=_positive)
    clock_skew: int = attrs.field(default=60, validator=_positive)
    replay_cache_size: int = attrs.field(default=100_000, validator=_positive)
    replay_store: Path | None = attrs.field(default=None, validator=_path)
    as_of: dt.date | None = attrs.field(default=None, validator=_as_of)
    now: Callable[[], dt.datetime] = attrs.field(default=utc_now, repr=False)


def read_jwks(path: Path) -> dict[str, Any]:
    """Read a JWKS file as JSON (its keys are checked by the security module)."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as error:
        found = type(error).__name__
        raise ValidationError.single("jwks", "a readable JWKS file", found) from None
    except ValueError:
        raise ValidationError.single(
            "jwks", "a JWKS file of JSON", "text that is not JSON"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValidationError.single("jwks", "a JSON object with a 'keys' array", "another value")
    return data
