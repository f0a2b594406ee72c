"""Who may call: a signed JWT on every call, checked against a local JWKS file.

The checks follow CDS Hooks 2.0.1 ("Trusting CDS Clients"): the token is signed with
ES384 or RS384 by a key in the JWKS file, named by its ``kid``; ``alg`` ``none`` and every
HMAC algorithm are refused, as is a key of the wrong type for the algorithm; ``iss`` is
one of the configured issuers; ``aud`` is the service's URL or the URL of the endpoint
called; ``exp`` is in the future and ``iat`` not, and the token lives no longer than
allowed; ``jti`` has not been seen before while its token is alive.

A refusal says nothing to the caller but 401; the reason, a word or two without any
part of the token, goes to the service's log.
"""

from __future__ import annotations

import contextlib
import heapq
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

import attrs
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pathway_model.errors import ValidationError, show_code
from pathway_model.service._config import ALGORITHMS

__all__ = [
    "Caller",
    "Gatekeeper",
    "Refused",
    "ReplayCache",
    "ReplayGuard",
    "SharedReplayStore",
    "load_keys",
]

#: The smallest RSA key accepted, in bits.
_MIN_RSA_BITS = 2048
#: The longest token read, in characters: a header line holds nothing larger.
_MAX_TOKEN_LENGTH = 16_384


class Refused(Exception):  # noqa: N818 - a refusal, not an error of the service
    """A call is refused: ``reason`` is for the log, never for the caller."""

    def __init__(self, reason: str, *, status: int = 401) -> None:
        self.reason = reason
        self.status = status
        super().__init__(reason)


@attrs.frozen(kw_only=True)
class Caller:
    """Who called, as their verified token says: for the audit log."""

    issuer: str
    subject: str | None
    token_id: str


def load_keys(jwks: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """The keys of a JWKS, by ``kid``: each with the one algorithm it may verify.

    Raises:
        ValidationError: A key is not an EC P-384 or RSA (2048 bits or more) public key,
            has no ``kid``, shares one, or the set has no key.
    """
    keys: dict[str, tuple[str, Any]] = {}
    for number, entry in enumerate(jwks["keys"]):
        path = f"jwks.keys[{number}]"
        if not isinstance(entry, dict) or type(entry.get("kid")) is not str or not entry["kid"]:
            raise ValidationError.single(path, "a key with a 'kid'", "a key without one")
        if "d" in entry or entry.get("kty") not in ("EC", "RSA"):
            raise ValidationError.single(
                path, "a public EC (P-384) or RSA key", f"kty {show_code(str(entry.get('kty')))}"
            )
        algorithm = "ES384" if entry["kty"] == "EC" else "RS384"
        if entry.get("alg", algorithm) != algorithm:
            raise ValidationError.single(
                f"{path}.alg", repr(algorithm), show_code(str(entry.get("alg")))
            )
        try:
            key = jwt.PyJWK({**entry, "alg": algorithm}).key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            raise ValidationError.single(path, "a key JWK can read", "another value") from None
        if isinstance(key, ec.EllipticCurvePublicKey):
            if key.curve.name != "secp384r1":
                raise ValidationError.single(f"{path}.crv", "'P-384'", show_code(key.curve.name))
        elif not isinstance(key, rsa.RSAPublicKey) or key.key_size < _MIN_RSA_BITS:
            raise ValidationError.single(path, "an RSA key of 2048 bits or more", "a smaller one")
        if entry["kid"] in keys:
            raise ValidationError.single(
                f"{path}.kid", "a kid no other key has", show_code(entry["kid"])
            )
        keys[entry["kid"]] = (algorithm, key)
    if not keys:
        raise ValidationError.single("jwks.keys", "at least one key", "none")
    return keys


class ReplayGuard(Protocol):
    """What refuses a replayed token: a store of token ids seen until their tokens expire."""

    def admit(self, issuer: str, token_id: str, expires: int, now: int) -> None:
        """Remember a token id until ``expires``; refuse one seen while it is alive."""


class ReplayCache:
    """Token ids seen, each until its token expires; bounded in size.

    When the cache is full of ids whose tokens are still alive, a new token is refused
    (the service fails closed): forgetting a live id would let its token be replayed.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._seen: set[tuple[str, str]] = set()
        self._expiry: list[tuple[int, tuple[str, str]]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def admit(self, issuer: str, token_id: str, expires: int, now: int) -> None:
        """Remember a token id until ``expires``; refuse one seen while it is alive.

        Raises:
            Refused: The id was seen before, or the cache is full of live ids.
        """
        key = (issuer, token_id)
        with self._lock:
            while self._expiry and self._expiry[0][0] < now:
                _, gone = heapq.heappop(self._expiry)
                self._seen.discard(gone)
            if key in self._seen:
                raise Refused("replayed jti")
            if len(self._seen) >= self._size:
                raise Refused("replay cache full", status=503)
            self._seen.add(key)
            heapq.heappush(self._expiry, (expires, key))


#: How long a process waits for another holding the store's lock, in milliseconds.
_BUSY_MS = 10_000

_SCHEMA = (
    (
        "CREATE TABLE IF NOT EXISTS seen ("
        " issuer TEXT NOT NULL, token_id TEXT NOT NULL, expires INTEGER NOT NULL,"
        " PRIMARY KEY (issuer, token_id)) WITHOUT ROWID"
    ),
    "CREATE INDEX IF NOT EXISTS seen_by_expiry ON seen (expires)",
    # How many ids `seen` holds, kept in the same transactions: counting the rows on every
    # call would read the whole table, of up to `replay_cache_size` ids.
    "CREATE TABLE IF NOT EXISTS held (one INTEGER PRIMARY KEY CHECK (one = 1), count INTEGER)",
    "INSERT OR IGNORE INTO held VALUES (1, 0)",
)


class SharedReplayStore:
    """Token ids seen, in a SQLite file that every process of the service shares.

    Several processes on one machine (``pathway-model serve --workers``) refuse a token
    any of them has seen, and a token seen before a restart is still refused while it
    lives. Each check is one transaction that takes the file's write lock
    (``BEGIN IMMEDIATE``): the expired ids are deleted, a replay is refused, a full
    store refuses (fails closed, as `ReplayCache` does), and the id is written. The file
    holds issuers and token ids only, never a token. It must be on a local disk: SQLite's
    locking is not safe on a network file system.
    """

    def __init__(self, path: Path, size: int) -> None:
        self._path = path
        self._size = size
        self._local = threading.local()
        try:
            with self._transaction() as connection:
                for statement in _SCHEMA:
                    connection.execute(statement)
        except sqlite3.Error as error:
            raise ValidationError.single(
                "replay_store", "a SQLite file this process can write", type(error).__name__
            ) from None

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            # Autocommit: each transaction is begun and ended explicitly below.
            connection = sqlite3.connect(self._path, timeout=_BUSY_MS / 1000, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def __len__(self) -> int:
        row = self._connection().execute("SELECT count FROM held").fetchone()
        return int(row[0])

    def admit(self, issuer: str, token_id: str, expires: int, now: int) -> None:
        """Remember a token id until ``expires``; refuse one seen while it is alive.

        Raises:
            Refused: The id was seen before (by any process), or the store is full of
                live ids; 503 when the store cannot be reached.
        """
        try:
            with self._transaction() as connection:
                gone = connection.execute("DELETE FROM seen WHERE expires < ?", (now,)).rowcount
                if gone:
                    connection.execute("UPDATE held SET count = count - ?", (gone,))
                seen = connection.execute(
                    "SELECT 1 FROM seen WHERE issuer = ? AND token_id = ?", (issuer, token_id)
                ).fetchone()
                if seen is not None:
                    raise Refused("replayed jti")
                (held,) = connection.execute("SELECT count FROM held").fetchone()
                if held >= self._size:
                    raise Refused("replay cache full", status=503)
                connection.execute("INSERT INTO seen VALUES (?, ?, ?)", (issuer, token_id, expires))
                connection.execute("UPDATE held SET count = count + 1")
        except sqlite3.Error:
            raise Refused("replay store unavailable", status=503) from None


@attrs.define
class Gatekeeper:
    """Checks the token of each call (see the module's docstring)."""

    keys: dict[str, tuple[str, Any]]
    issuers: tuple[str, ...]
    max_lifetime: int
    skew: int
    replays: ReplayGuard

    def check(self, authorization: str | None, audiences: Iterable[str], now: int) -> Caller:
        """Check a call's ``Authorization`` header; return the caller it proves.

        Args:
            authorization: The header's value, or ``None`` when there is none.
            audiences: The audiences the token may name.
            now: The time, in seconds since the epoch.

        Raises:
            Refused: The call is not proven; the reason is for the log only.
        """
        if authorization is None:
            raise Refused("no Authorization header")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > _MAX_TOKEN_LENGTH:
            raise Refused("not a bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Refused("unreadable token") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise Refused("algorithm not allowed")
        kid = header.get("kid")
        found = self.keys.get(kid) if isinstance(kid, str) else None
        if found is None:
            raise Refused("unknown kid")
        key_algorithm, key = found
        if key_algorithm != algorithm:
            raise Refused("algorithm does not fit the key")
        claims = self._decode(token, key, algorithm, list(audiences), now)
        issued, expires = claims["iat"], claims["exp"]
        if not isinstance(issued, int) or not isinstance(expires, int):
            raise Refused("iat or exp not whole seconds")
        if expires - issued > self.max_lifetime:
            raise Refused("token lives too long")
        token_id = claims["jti"]
        if type(token_id) is not str or not token_id or len(token_id) > 256:
            raise Refused("bad jti")
        subject = claims.get("sub")
        self.replays.admit(claims["iss"], token_id, expires + self.skew, now)
        return Caller(
            issuer=claims["iss"],
            subject=subject if type(subject) is str else None,
            token_id=token_id,
        )

    def _decode(
        self, token: str, key: Any, algorithm: str, audiences: list[str], now: int
    ) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=audiences,
                issuer=list(self.issuers),
                options={
                    "require": ["iss", "aud", "exp", "iat", "jti"],
                    # Times are checked below, against the service's own clock.
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise Refused("bad signature") from None
        except jwt.InvalidAudienceError:
            raise Refused("wrong audience") from None
        except jwt.InvalidIssuerError:
            raise Refused("issuer not allowed") from None
        except jwt.MissingRequiredClaimError:
            raise Refused("claim missing") from None
        except jwt.PyJWTError:
            raise Refused("token refused") from None
        for claim in ("exp", "iat", "nbf"):
            if claim in claims and (
                type(claims[claim]) is not int and type(claims[claim]) is not float
            ):
                raise Refused(f"{claim} not a number")
        if claims["exp"] <= now - self.skew:
            raise Refused("expired")
        if claims["iat"] > now + self.skew or claims.get("nbf", now) > now + self.skew:
            raise Refused("issued in the future")
        return claims
