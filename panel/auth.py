"""Authentication and authorization: argon2 passwords, JWT access tokens, rotating refresh tokens,
personal access tokens, and the ``before_request`` hook that guards every ``/api`` route.

Access tokens are HS256 JWTs living 15 minutes, signed with ``KOMETA_PANEL_SECRET_KEY`` (or a key generated
into ``<data_dir>/secret_key``). ``sub`` is the user's random ``uid`` (never reused, unlike a row id, so a
deleted user's token cannot become the next user's) and ``gen`` their ``token_generation``, raised to sign
every access token of theirs out (password change, disabling); every claim in ``REQUIRED_CLAIMS`` must be
there. Refresh tokens (:mod:`panel.auth_sessions`) and personal access tokens (``kp_...``) are random and
stored only as their sha256.

Roles: ``GET`` needs ``viewer``; writes need ``editor``; ``/api/users`` needs ``admin``. Every signed-in
user manages their own session (``/api/auth/*``) and personal access tokens (``/api/tokens``).

The guard keeps what it looked up in a per-process cache (:mod:`panel.auth_cache`) for
``KOMETA_PANEL_AUTH_CACHE_SECONDS`` (default 5); a change to a user or token committed through the panel
empties every process's cache at once (a new epoch in ``<data_dir>/auth-epoch``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached

from panel.auth_cache import MAX_CACHED, TOUCH_EVERY, AuthCache, auth_cache, cache_seconds_from_env, drop_user
from panel.db import ROLES, AccessToken, User, get_session, utcnow
from panel.errors import ApiError
from panel.keyfile import key_file
from panel.settings import Settings

ACCESS_LIFETIME = timedelta(minutes=15)
# Every access token has these claims; a token without one is a 401.
REQUIRED_CLAIMS = ("sub", "gen", "type", "iat", "exp")
EPOCH_FILE = "auth-epoch"  # in the data directory: see panel.auth_cache
CHANGED = "kometa_auth_changed"  # session.info flag: this transaction changed users or tokens
MAX_TOKEN_DAYS = 3650  # the furthest a personal access token's expiry may be set (leave it out: never)
MAX_TOKEN_NAME = 100
MAX_USERNAME = 64
USERNAME_RULE = (
    f"'username' must be 1 to {MAX_USERNAME} printable characters, without '<', '>', control characters "
    "or whitespace at either end"
)
PAT_PREFIX = "kp_"
SCOPES = ("read", "write")
ROLE_SCOPES = {"viewer": ("read",), "editor": SCOPES, "admin": SCOPES}
PUBLIC = {("POST", "/api/auth/login"), ("POST", "/api/auth/refresh"), ("GET", "/api/health")}
PUBLIC |= {("GET", "/api/openapi.json"), ("GET", "/api/docs")}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SELF_SERVICE = ("/api/auth/", "/api/tokens")
ADMIN_ONLY = ("/api/users", "/api/secrets", "/api/audit")
READ_ONLY_POSTS = frozenset({"/api/collections/preview"})  # computes an answer, writes nothing: any role

hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user, and the personal access token used (scopes None for a JWT sign-in)."""

    user: User
    scopes: tuple[str, ...] | None = None
    token_id: int | None = None
    token_name: str | None = None

    def origin(self) -> tuple[str, dict[str, Any]]:
        """Where the request came from, for the audit log: ``session`` (a JWT from signing in) or ``token``
        (a personal access token, named in the details)."""
        if self.scopes is None:
            return "session", {}
        return "token", {"token": {"id": self.token_id, "name": self.token_name}}


# ---------------------------------------------------------------------------- passwords and keys


def hash_password(password: str) -> str:
    """An argon2id hash."""
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches (False for a malformed hash)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sha256(token: str) -> str:
    """The stored form of a random token."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_secret_key(settings: Settings) -> str:
    """The configured key, or the one in ``<data_dir>/secret_key`` (generated, mode 0600, when missing).

    Several processes starting at once all read the one key written first (:func:`panel.keyfile.key_file`).
    """
    if settings.secret_key:
        return settings.secret_key
    return key_file(settings.data_dir / "secret_key", lambda: secrets.token_urlsafe(48))


# ---------------------------------------------------------------------------- users and tokens


def check_username(username: str) -> str:
    """``username`` when git can use it as an author name; 400 naming ``username`` otherwise."""
    if (
        not 1 <= len(username) <= MAX_USERNAME
        or not username.isprintable()
        or "<" in username
        or ">" in username
        or username != username.strip()
    ):
        raise ApiError(400, "bad_request", USERNAME_RULE, {"field": "username"})
    return username


def find_user(session: Session, username: str) -> User | None:
    """The user signing in as ``username``: names match case-insensitively, an exact match first (older
    databases may hold names that differ only in case)."""
    exact = session.scalar(select(User).where(User.username == username))
    if exact is not None:
        return exact
    key = username.casefold()
    rows = session.execute(select(User.id, User.username).order_by(User.id))
    found = next((user_id for user_id, name in rows if name.casefold() == key), None)
    return None if found is None else session.get(User, found)


def create_user(session: Session, username: str, password: str, role: str) -> User:
    """Add a user (the caller commits); 400 for an unknown role or a name git cannot author with, 409 for a
    name taken in any letter case."""
    if role not in ROLES:
        raise ApiError(400, "bad_request", f"role must be one of {', '.join(ROLES)}", {"field": "role"})
    check_username(username)
    taken = find_user(session, username)
    if taken is not None:
        raise ApiError(
            409,
            "conflict",
            f"user {taken.username!r} already exists",
            {"field": "username", "user": taken.id},
        )
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def issue_access_token(user: User, lifetime: timedelta = ACCESS_LIFETIME, key: str | None = None) -> str:
    """A signed JWT for ``user`` (naming its ``uid`` and ``token_generation``); a negative ``lifetime``
    gives an already expired one (for tests)."""
    now = utcnow()
    claims: dict[str, Any] = {"sub": user.uid, "gen": user.token_generation, "type": "access"}
    claims |= {"name": user.username, "role": user.role, "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, key or current_app.extensions["kometa_secret_key"], algorithm="HS256")


def create_pat(
    session: Session, user: User, name: str, scopes: list[str], expires_at: datetime | None
) -> tuple[str, AccessToken]:
    """A new personal access token (shown once) and its row (the caller commits); 400 for a bad name or
    scopes, including a scope beyond the user's role (a viewer's tokens only ``read``)."""
    if not 1 <= len(name) <= MAX_TOKEN_NAME or not name.strip():
        message = f"'name' must be 1 to {MAX_TOKEN_NAME} characters, not all blank"
        raise ApiError(400, "bad_request", message, {"field": "name"})
    if not scopes or any(scope not in SCOPES for scope in scopes):
        message = f"'scopes' must be a non-empty list of {' and '.join(map(repr, SCOPES))}"
        raise ApiError(400, "bad_request", message, {"field": "scopes"})
    beyond = sorted(set(scopes) - set(ROLE_SCOPES[user.role]))
    if beyond:
        message = f"a {user.role} cannot have a token with the {beyond[0]!r} scope"
        raise ApiError(400, "bad_request", message, {"field": "scopes", "role": user.role})
    token = PAT_PREFIX + secrets.token_urlsafe(32)
    row = AccessToken(
        user_id=user.id, name=name, token_hash=sha256(token), scopes=scopes, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return token, row


# ---------------------------------------------------------------------------- the request guard


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (the scheme in any case, RFC 7235)."""
    scheme, _, token = (header or "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def authenticate(header: str | None) -> Principal:
    """The principal for an ``Authorization: Bearer ...`` header; 401 when missing or bad."""
    token = bearer_token(header)
    if token is None:
        raise ApiError(401, "unauthorized", "sign in: send 'Authorization: Bearer <token>'")
    cache = auth_cache()
    epoch = cache.sync()
    if token.startswith(PAT_PREFIX):
        return _authenticate_pat(cache, epoch, token)
    uid, generation = _verified_jwt(cache, token)
    user = _active_user(cache, epoch, uid)
    if user is None:
        raise ApiError(401, "unauthorized", "the access token is not valid")
    if user.token_generation != generation:
        raise ApiError(401, "unauthorized", "the access token was signed out; sign in again")
    return Principal(user)


def _verified_jwt(cache: AuthCache, token: str) -> tuple[str, int]:
    """The user uid and token generation of a valid access token; its signature and claims are checked
    once per process, its expiry always. A claim missing or of the wrong type is a 401."""
    known = cache.jwts.get(token)
    if known is None:
        key = current_app.extensions["kometa_secret_key"]
        try:
            claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": list(REQUIRED_CLAIMS)})
        except jwt.ExpiredSignatureError:
            raise ApiError(401, "unauthorized", "the access token has expired") from None
        except jwt.InvalidTokenError:
            raise ApiError(401, "unauthorized", "the access token is not valid") from None
        uid, generation = claims["sub"], claims["gen"]
        if claims["type"] != "access" or not isinstance(uid, str) or type(generation) is not int:
            raise ApiError(401, "unauthorized", "the access token is not valid")
        known = (uid, generation, float(claims["exp"]))
        if len(cache.jwts) >= MAX_CACHED:
            cache.jwts.clear()
        cache.jwts[token] = known
    if known[2] <= time.time():
        raise ApiError(401, "unauthorized", "the access token has expired")
    return known[0], known[1]


def _active_user(cache: AuthCache, epoch: str, uid: str) -> User | None:
    """The user (a detached copy when cached) if they exist and are not disabled."""
    values = cache.fresh(cache.users.get(uid))
    if values is None:
        user = get_session().scalar(select(User).where(User.uid == uid))
        if user is None:
            return None
        values = {attr.key: getattr(user, attr.key) for attr in inspect(User).column_attrs}
        cache.keep(cache.users, uid, values, epoch)
        return None if user.disabled else user
    if values["disabled"]:
        return None
    user = User(**values)
    make_transient_to_detached(user)
    return user


def _authenticate_pat(cache: AuthCache, epoch: str, token: str) -> Principal:
    """A personal access token's principal; ``last_used_at`` is written at most every ``TOUCH_EVERY`` s."""
    digest = sha256(token)
    values = cache.fresh(cache.tokens.get(digest))
    if values is None:
        found = (
            get_session()
            .execute(select(AccessToken, User.uid).join(User).where(AccessToken.token_hash == digest))
            .first()
        )
        if found is None or found[0].revoked_at is not None:
            raise ApiError(401, "unauthorized", "the personal access token is not valid")
        row, uid = found
        values = {"id": row.id, "name": row.name, "user_id": row.user_id, "scopes": tuple(row.scopes)}
        values |= {"expires_at": row.expires_at, "user_uid": uid}
        cache.keep(cache.tokens, digest, values, epoch)
        age = (utcnow() - row.last_used_at).total_seconds() if row.last_used_at else TOUCH_EVERY
        if age < TOUCH_EVERY and digest not in cache.touched:
            cache.touched[digest] = cache.clock() - age
    if values["expires_at"] and values["expires_at"] <= utcnow():
        raise ApiError(401, "unauthorized", "the personal access token is not valid")
    user = _active_user(cache, epoch, values["user_uid"])
    if user is None:
        raise ApiError(401, "unauthorized", "the personal access token is not valid")
    _touch(cache, digest, values["id"])
    return Principal(user, values["scopes"], values["id"], values["name"])


def _touch(cache: AuthCache, digest: str, token_id: int) -> None:
    """Record the token's use, unless this process did so less than ``TOUCH_EVERY`` seconds ago."""
    last = cache.touched.get(digest)
    if last is not None and cache.clock() - last < TOUCH_EVERY:
        return
    if len(cache.touched) >= MAX_CACHED:
        cache.touched.clear()
    cache.touched[digest] = cache.clock()
    session = get_session()
    stamp = update(AccessToken).where(AccessToken.id == token_id).values(last_used_at=utcnow())
    session.connection().execute(stamp)  # Core, not the ORM: no flush event drops the cache entry
    session.commit()


def _drop_flushed(cache: AuthCache, session: Session, _context: Any) -> None:
    """``after_flush``: users and tokens changed or deleted through the ORM leave this process's cache at
    once, and the commit will tell the other processes (:func:`_tell_processes`)."""
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, User):
            drop_user(cache, obj.id)
            session.info[CHANGED] = True
        elif isinstance(obj, AccessToken):
            cache.tokens.pop(obj.token_hash, None)
            session.info[CHANGED] = True


def _drop_on_bulk(cache: AuthCache, state: ORMExecuteState) -> None:
    """``do_orm_execute``: a bulk UPDATE or DELETE of users or tokens empties the cache (every process's,
    once committed)."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ in (User, AccessToken):
        cache.clear()
        state.session.info[CHANGED] = True


def _tell_processes(cache: AuthCache, session: Session) -> None:
    """``after_commit``: a new epoch when the transaction changed users or tokens."""
    if session.info.pop(CHANGED, False):
        cache.bump()


def required_role(method: str, path: str) -> str:
    """The lowest role allowed to call ``method path``."""
    if path.startswith(ADMIN_ONLY):
        return "admin"
    if method in SAFE_METHODS or path.startswith(SELF_SERVICE) or path in READ_ONLY_POSTS:
        return "viewer"
    return "editor"


def guard() -> None:
    """``before_request``: every ``/api`` route except the public ones needs a token and a high enough role."""
    path, method = request.path, request.method
    public = (method if method != "HEAD" else "GET", path) in PUBLIC  # HEAD is GET without the body
    if not path.startswith("/api/") or method == "OPTIONS" or public:
        return
    principal = authenticate(request.headers.get("Authorization"))
    g.principal = principal
    need = required_role(method, path)
    if ROLES.index(principal.user.role) < ROLES.index(need):
        raise ApiError(403, "forbidden", f"this needs the {need} role", {"required_role": need})
    scopes = principal.scopes
    writes = method not in SAFE_METHODS and path not in READ_ONLY_POSTS
    if scopes is not None and writes and "write" not in scopes:
        raise ApiError(403, "forbidden", "this token has no 'write' scope", {"required_scope": "write"})


def current_user() -> User | None:
    """The signed-in user of this request, if any, in the request's session (so edits to it are saved)."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        return None
    user, state = principal.user, inspect(principal.user)
    if state.detached:  # a copy built from the cache: attach it, or the session's own instance of that row
        session = get_session()
        attached = session.identity_map.get(state.key) if state.key else None
        if attached is None:
            session.add(user)
            attached = user
        g.principal = replace(principal, user=attached)
        user = attached
    return user


def request_origin() -> tuple[str, dict[str, Any]]:
    """Where the current write comes from, for the audit log: the signed-in principal's
    :meth:`Principal.origin`, ``api`` for a request without one, ``cli`` outside any request."""
    if not has_request_context():
        return "cli", {}
    principal: Principal | None = g.get("principal")
    return principal.origin() if principal is not None else ("api", {})


def init_auth(app: Flask, settings: Settings) -> None:
    """Load the signing key, the login limiter and the auth cache (emptied by ORM writes to users and
    tokens), and install the guard."""
    from panel.ratelimit import make_limiter

    app.extensions["kometa_secret_key"] = load_secret_key(settings)
    app.extensions["kometa_login_limiter"] = make_limiter(settings.redis_url)
    epoch_path = settings.data_dir / EPOCH_FILE
    cache = app.extensions["kometa_auth_cache"] = AuthCache(cache_seconds_from_env(), epoch_path=epoch_path)
    sessions = app.extensions["kometa_db"]
    event.listen(sessions, "after_flush", lambda session, context: _drop_flushed(cache, session, context))
    event.listen(sessions, "do_orm_execute", lambda state: _drop_on_bulk(cache, state))
    event.listen(sessions, "after_commit", lambda session: _tell_processes(cache, session))
    event.listen(sessions, "after_rollback", lambda session: session.info.pop(CHANGED, None))
    app.before_request(guard)


def expiry_from(value: Any) -> datetime | None:
    """An optional ISO-8601 expiry or a whole number of days from now, at most ``MAX_TOKEN_DAYS`` ahead;
    400 naming ``expires_at`` when malformed, past or too far."""
    if value is None:
        return None
    now = utcnow()
    latest = now + timedelta(days=MAX_TOKEN_DAYS)
    too_far = ApiError(
        400,
        "bad_request",
        f"'expires_at' must be at most {MAX_TOKEN_DAYS} days from now (leave it out for no expiry)",
        {"field": "expires_at", "max_days": MAX_TOKEN_DAYS},
    )
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        if value > MAX_TOKEN_DAYS:
            raise too_far
        return now + timedelta(days=value)
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        when = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        message = "'expires_at' must be an ISO-8601 time or a whole number of days"
        raise ApiError(400, "bad_request", message, {"field": "expires_at"}) from None
    if when <= now:
        raise ApiError(400, "bad_request", "'expires_at' is in the past", {"field": "expires_at"})
    if when > latest:
        raise too_far
    return when
