"""Where media lives: a local directory or an S3-compatible bucket, behind one small interface.

``DRISHYA_MEDIA_URL`` chooses the store (:func:`open_media_store`):

- unset: the local directory ``DRISHYA_MEDIA_ROOT`` (``<DRISHYA_DATA_DIR>/media``), as ``file://``;
- ``file:///srv/media``: that local directory;
- ``s3://bucket/prefix``: objects ``prefix/<key>`` in ``bucket`` through boto3 (AWS S3, MinIO,
  Cloudflare R2, Google Cloud Storage's XML interoperability API). The endpoint, region and
  credentials come from the standard variables: ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL``
  (MinIO, R2, GCS; path-style addressing is used with an endpoint), ``AWS_REGION`` or
  ``AWS_DEFAULT_REGION`` (``us-east-1``), ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
  ``AWS_SESSION_TOKEN``; without keys boto3's own chain applies (profiles, instance roles).

A key is a relative ``/``-separated name (``a/b/file.mp4``); absolute names, ``..``, ``.``,
empty segments, backslashes and NUL are refused (:func:`check_key`), and the local directory also
resolves symbolic links before checking that a path stays inside the root.

Every method blocks (boto3 is synchronous): call them through ``asyncio.to_thread`` from async code.
Errors: :class:`MediaNotFound` (NOT_FOUND, reason ``MEDIA_NOT_FOUND``) for an absent key;
:class:`MediaUnavailable` (UNAVAILABLE, reason ``MEDIA_STORE_UNAVAILABLE``) when the store cannot
be reached or refuses mid-operation, so callers retry; :class:`MediaStoreConfigError` (a
:class:`~services.mesh.config.ConfigError`) from :meth:`MediaStore.check` at start-up, naming the
setting at fault.
"""

from __future__ import annotations

import contextlib
import dataclasses
import mimetypes
import os
import shutil
import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from services.mesh import config as mc
from services.mesh.errors import FieldViolation, InvalidArgument, NotFound, Unavailable
from services.mesh.storage import resolve_media_path

#: Bytes read at a time when copying or streaming.
CHUNK_BYTES = 256 * 1024
#: Connect and read timeouts of one S3 request, in seconds, and attempts per request (boto3's
#: "standard" retry mode: exponential backoff with jitter on throttling, 5xx and connection errors).
S3_CONNECT_TIMEOUT_S = 3.0
S3_READ_TIMEOUT_S = 30.0
S3_MAX_ATTEMPTS = 3


class MediaStoreConfigError(mc.ConfigError):
    """The configured media store cannot be used (raised at start-up, naming the setting)."""


class MediaNotFound(NotFound):
    """No object under the key (NOT_FOUND, reason ``MEDIA_NOT_FOUND``)."""

    reason = "MEDIA_NOT_FOUND"


class MediaUnavailable(Unavailable):
    """The store did not answer or refused the operation (UNAVAILABLE: retry later)."""

    reason = "MEDIA_STORE_UNAVAILABLE"


class RangeReader(Protocol):
    """A byte range being read: ``read(n)`` returns at most ``n`` bytes, ``b""`` at the end."""

    def read(self, n: int = -1) -> bytes: ...

    def close(self) -> None: ...


def check_key(key: str, *, field: str = "key") -> str:
    """``key`` when it is an acceptable relative media key.

    Raises:
        InvalidArgument: ``EMPTY_PATH`` when blank; ``PATH_OUTSIDE_MEDIA_ROOT`` when absolute or
            holding ``..``, ``.``, empty segments, backslashes or NUL.
    """
    if not key.strip():
        raise InvalidArgument(
            f"{field} is required", reason="EMPTY_PATH", violations=[FieldViolation(field, "must not be empty")]
        )
    parts = key.split("/")
    if key.startswith("/") or "\\" in key or "\x00" in key or any(p in ("", ".", "..") for p in parts):
        raise InvalidArgument(
            f"{field} {key!r} is outside the media root",
            reason="PATH_OUTSIDE_MEDIA_ROOT",
            metadata={"path": key},
            violations=[FieldViolation(field, "must name a file inside the media root")],
        )
    return key


def join_key(*parts: str) -> str:
    """Join key parts with ``/`` (``join_key("a", name, "file.mp4")``)."""
    return str(PurePosixPath(*parts))


class MediaStore(ABC):
    """Put, fetch, read, list and delete media by key; see the module docstring for errors."""

    #: The store's URL as configured (``file:///...`` or ``s3://bucket/prefix``), for messages.
    url: str

    @property
    def local_root(self) -> Path | None:
        """The directory keys live in when the store is a local directory, else None."""
        return None

    def local_path(self, key: str) -> Path | None:
        """Where ``key`` lives on this machine's file system (local store only), else None."""
        root = self.local_root
        return None if root is None else root / check_key(key)

    def key_of(self, raw: str, *, field: str) -> str:
        """The key a request names: a relative key (any store) or, for a local store, an absolute
        path inside its root as well (the form requests used before keys).

        Raises:
            InvalidArgument: ``EMPTY_PATH`` or ``PATH_OUTSIDE_MEDIA_ROOT``.
        """
        root = self.local_root
        if root is not None and raw.startswith("/"):
            return resolve_media_path(raw, root, field=field).relative_to(root.resolve()).as_posix()
        return check_key(raw, field=field)

    @abstractmethod
    def check(self) -> None:
        """Start-up check that the store answers and can be written; raises :class:`MediaStoreConfigError`."""

    @abstractmethod
    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        """Store the local file ``path`` under ``key`` (replacing it; readers see old or new, whole)."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        """Store ``data`` under ``key`` (replacing it, atomically for readers)."""

    @abstractmethod
    def get_file(self, key: str, dest: Path) -> Path:
        """Fetch ``key`` to the local file ``dest`` (parents made; written atomically); returns ``dest``."""

    @abstractmethod
    def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Bytes ``[start, end)`` of ``key`` (to its end when ``end`` is None)."""

    @abstractmethod
    def open_range(self, key: str, start: int, end: int) -> RangeReader:
        """A reader of bytes ``[start, end)`` of ``key``, for streaming; close it when done."""

    @abstractmethod
    def size(self, key: str) -> int | None:
        """Size of ``key`` in bytes, or None when absent."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` exists."""
        return self.size(key) is not None

    @abstractmethod
    def list_keys(self, prefix: str) -> list[str]:
        """Every key under the directory-like ``prefix`` (``a/b``), recursively, sorted."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key`` (no error when absent)."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Remove every key under ``prefix``; returns how many were removed."""

    def presigned_url(self, key: str, expires_s: int) -> str | None:
        """A URL anyone may GET ``key`` from for ``expires_s`` seconds (S3 only), else None."""
        return None

    def put_tree(self, directory: Path, prefix: str, *, last: Sequence[str] = ()) -> list[str]:
        """Store every file under ``directory`` as ``prefix/<relative path>``, the names in ``last``
        (relative paths) after all others, in that order, so a reader that finds them finds the
        rest; returns the keys written, in order."""
        names = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
        ordered = [n for n in names if n not in last] + [n for n in last if n in names]
        keys: list[str] = []
        for name in ordered:
            key = join_key(prefix, name)
            self.put_file(key, directory / name, content_type=mimetypes.guess_type(name)[0])
            keys.append(key)
        return keys


# -- the local directory ------------------------------------------------------------------------


class _FileRange:
    """Bytes ``[start, end)`` of an open file."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._file = path.open("rb")
        self._file.seek(start)
        self._left = max(0, end - start)

    def read(self, n: int = -1) -> bytes:
        want = self._left if n < 0 else min(n, self._left)
        data = self._file.read(want) if want else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


class LocalMediaStore(MediaStore):
    """Media in a local directory (one machine, or a shared volume mounted everywhere)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.url = self.root.as_uri()

    @property
    def local_root(self) -> Path | None:
        return self.root

    def _path(self, key: str) -> Path:
        """The path of ``key``, resolved and checked to stay inside the root."""
        return resolve_media_path(check_key(key), self.root, field="key")

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".check.", delete=True):
                pass
        except OSError as exc:
            raise MediaStoreConfigError(f"DRISHYA_MEDIA_ROOT={self.root}: cannot write there ({exc})") from None

    def _write(self, dest: Path, fill: Any) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                fill(out)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        dest = self._path(key)
        if Path(path).resolve() == dest:
            return  # already in place (work files written straight into the store)
        with Path(path).open("rb") as src:
            self._write(dest, lambda out: shutil.copyfileobj(src, out, CHUNK_BYTES))

    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        self._write(self._path(key), lambda out: out.write(data))

    def get_file(self, key: str, dest: Path) -> Path:
        src = self._path(key)
        dest = Path(dest)
        if dest.resolve() == src:
            if not src.is_file():
                raise MediaNotFound(f"no media {key!r}", metadata={"key": key})
            return dest
        try:
            with src.open("rb") as f:
                self._write(dest, lambda out: shutil.copyfileobj(f, out, CHUNK_BYTES))
        except (FileNotFoundError, IsADirectoryError):
            raise MediaNotFound(f"no media {key!r}", metadata={"key": key}) from None
        return dest

    def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        try:
            with self._path(key).open("rb") as f:
                f.seek(start)
                return f.read() if end is None else f.read(max(0, end - start))
        except (FileNotFoundError, IsADirectoryError):
            raise MediaNotFound(f"no media {key!r}", metadata={"key": key}) from None

    def open_range(self, key: str, start: int, end: int) -> RangeReader:
        try:
            return _FileRange(self._path(key), start, end)
        except (FileNotFoundError, IsADirectoryError):
            raise MediaNotFound(f"no media {key!r}", metadata={"key": key}) from None

    def size(self, key: str) -> int | None:
        path = self._path(key)
        return path.stat().st_size if path.is_file() else None

    def list_keys(self, prefix: str) -> list[str]:
        base = self._path(prefix)
        if not base.is_dir():
            return []
        return sorted(
            p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")
        )

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def delete_prefix(self, prefix: str) -> int:
        base = self._path(prefix)
        if not base.is_dir():
            return 0
        count = sum(1 for p in base.rglob("*") if p.is_file())
        shutil.rmtree(base, ignore_errors=True)
        return count


# -- S3-compatible object storage ---------------------------------------------------------------


def _client_error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class _BodyRange:
    """A ``GetObject`` body (``botocore.response.StreamingBody``) as a :class:`RangeReader`."""

    def __init__(self, body: Any, store: S3MediaStore, key: str) -> None:
        self._body = body
        self._store = store
        self._key = key

    def read(self, n: int = -1) -> bytes:
        try:
            return bytes(self._body.read(None if n < 0 else n))
        except Exception as exc:
            raise self._store._unavailable("read", self._key, exc) from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._body.close()


class S3MediaStore(MediaStore):
    """Media as objects ``<prefix>/<key>`` in an S3-compatible bucket.

    Args:
        bucket: the bucket (it must exist: :meth:`check`).
        prefix: key prefix inside the bucket, without leading or trailing ``/`` (may be empty).
        settings: endpoint, region and credentials (:class:`MediaSettings`).
    """

    def __init__(self, bucket: str, prefix: str, settings: MediaSettings) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self.endpoint = settings.endpoint
        session = boto3.session.Session(
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            aws_session_token=settings.session_token,
            region_name=settings.region,
        )
        self._client: Any = session.client(
            "s3",
            endpoint_url=self.endpoint,
            config=Config(
                connect_timeout=S3_CONNECT_TIMEOUT_S,
                read_timeout=S3_READ_TIMEOUT_S,
                retries={"mode": "standard", "max_attempts": S3_MAX_ATTEMPTS},
                s3={"addressing_style": "path" if self.endpoint else "auto"},
                signature_version="s3v4",
            ),
        )

    def _name(self, key: str) -> str:
        key = check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _key(self, name: str) -> str:
        return name[len(self.prefix) + 1 :] if self.prefix else name

    def _unavailable(self, op: str, key: str, exc: Exception) -> MediaUnavailable:
        code = _client_error_code(exc) or type(exc).__name__
        return MediaUnavailable(
            f"media store {self.url}: {op} {key!r} failed ({code})",
            metadata={"store": self.url, "key": key, "error": code},
            retry_after_s=1.0,
        )

    def _missing(self, exc: Exception) -> bool:
        return _client_error_code(exc) in ("NoSuchKey", "404", "NotFound")

    def check(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            self._client.head_bucket(Bucket=self.bucket)
            probe = self._name(f".check/{uuid.uuid4().hex}")
            self._client.put_object(Bucket=self.bucket, Key=probe, Body=b"")
            self._client.delete_object(Bucket=self.bucket, Key=probe)
        except NoCredentialsError:
            raise MediaStoreConfigError(
                f"DRISHYA_MEDIA_URL={self.url}: no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
            ) from None
        except ClientError as exc:
            code = _client_error_code(exc)
            if code in ("404", "NoSuchBucket", "NotFound"):
                raise MediaStoreConfigError(
                    f"DRISHYA_MEDIA_URL={self.url}: bucket {self.bucket!r} does not exist"
                    + (f" at AWS_ENDPOINT_URL={self.endpoint}" if self.endpoint else "")
                ) from None
            if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden"):
                raise MediaStoreConfigError(
                    f"DRISHYA_MEDIA_URL={self.url}: access denied ({code}); check AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY"
                ) from None
            raise MediaStoreConfigError(f"DRISHYA_MEDIA_URL={self.url}: the store refused ({code})") from None
        except BotoCoreError as exc:
            where = f"AWS_ENDPOINT_URL={self.endpoint}" if self.endpoint else "the S3 endpoint"
            raise MediaStoreConfigError(
                f"DRISHYA_MEDIA_URL={self.url}: {where} is unreachable ({type(exc).__name__})"
            ) from None

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else None
        name = self._name(key)
        try:
            self._client.upload_file(str(path), self.bucket, name, ExtraArgs=extra)
        except Exception as exc:
            if isinstance(exc, OSError) and not _is_boto_error(exc):
                raise
            raise self._unavailable("put", key, exc) from exc

    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        name = self._name(key)
        try:
            self._client.put_object(Bucket=self.bucket, Key=name, Body=data, **extra)
        except Exception as exc:
            raise self._unavailable("put", key, exc) from exc

    def get_file(self, key: str, dest: Path) -> Path:
        name = self._name(key)
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        os.close(fd)
        try:
            try:
                self._client.download_file(self.bucket, name, tmp)
            except Exception as exc:
                if self._missing(exc):
                    raise MediaNotFound(f"no media {key!r}", metadata={"key": key}) from None
                raise self._unavailable("get", key, exc) from exc
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return dest

    def _get(self, key: str, start: int, end: int | None) -> Any:
        byte_range = f"bytes={start}-" if end is None else f"bytes={start}-{end - 1}"
        name = self._name(key)
        try:
            return self._client.get_object(Bucket=self.bucket, Key=name, Range=byte_range)
        except Exception as exc:
            if self._missing(exc):
                raise MediaNotFound(f"no media {key!r}", metadata={"key": key}) from None
            if _client_error_code(exc) == "InvalidRange":
                return None
            raise self._unavailable("get", key, exc) from exc

    def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        if end is not None and end <= start:
            return b""
        response = self._get(key, start, end) if start or end is not None else self._get_whole(key)
        if response is None:
            return b""
        reader = _BodyRange(response["Body"], self, key)
        try:
            return reader.read()
        finally:
            reader.close()

    def _get_whole(self, key: str) -> Any:
        name = self._name(key)
        try:
            return self._client.get_object(Bucket=self.bucket, Key=name)
        except Exception as exc:
            if self._missing(exc):
                raise MediaNotFound(f"no media {key!r}", metadata={"key": key}) from None
            raise self._unavailable("get", key, exc) from exc

    def open_range(self, key: str, start: int, end: int) -> RangeReader:
        response = self._get(key, start, end) if end > start else None
        if response is None:
            return _FileRangeEmpty()
        return _BodyRange(response["Body"], self, key)

    def size(self, key: str) -> int | None:
        name = self._name(key)
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=name)
        except Exception as exc:
            if self._missing(exc):
                return None
            raise self._unavailable("head", key, exc) from exc
        return int(head["ContentLength"])

    def list_keys(self, prefix: str) -> list[str]:
        base = self._name(check_key(prefix.rstrip("/"))) + "/"
        keys: list[str] = []
        try:
            for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base):
                keys.extend(self._key(obj["Key"]) for obj in page.get("Contents", []))
        except Exception as exc:
            raise self._unavailable("list", prefix, exc) from exc
        return sorted(keys)

    def delete(self, key: str) -> None:
        name = self._name(key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=name)
        except Exception as exc:
            raise self._unavailable("delete", key, exc) from exc

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list_keys(prefix)
        return self.delete_keys(keys)

    def delete_keys(self, keys: Iterable[str]) -> int:
        """Remove ``keys`` in batches of 1,000 (the DeleteObjects limit); returns how many."""
        names = [self._name(k) for k in keys]
        try:
            for i in range(0, len(names), 1000):
                batch = [{"Key": n} for n in names[i : i + 1000]]
                self._client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
        except Exception as exc:
            raise self._unavailable("delete", names[0] if names else "", exc) from exc
        return len(names)

    def presigned_url(self, key: str, expires_s: int) -> str | None:
        name = self._name(key)
        try:
            url = self._client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": name}, ExpiresIn=expires_s
            )
        except Exception as exc:
            raise self._unavailable("presign", key, exc) from exc
        return str(url)


class _FileRangeEmpty:
    """An empty range."""

    def read(self, n: int = -1) -> bytes:
        return b""

    def close(self) -> None:
        return None


def _is_boto_error(exc: BaseException) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(exc, BotoCoreError | ClientError)


# -- choosing the store -------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaSettings:
    """Which store, and how to reach it: read once from the environment (:meth:`from_env`).

    Attributes:
        url: ``file:///path`` or ``s3://bucket/prefix`` (``DRISHYA_MEDIA_URL``; unset: the media root).
        endpoint: S3 endpoint (``AWS_ENDPOINT_URL_S3``, else ``AWS_ENDPOINT_URL``; None: AWS itself).
        region: S3 region (``AWS_REGION``, else ``AWS_DEFAULT_REGION``, else ``us-east-1``).
        access_key_id, secret_access_key, session_token: ``AWS_ACCESS_KEY_ID``,
            ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` (None: boto3's own credential chain).
    """

    url: str
    endpoint: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str], media_root: Path) -> MediaSettings:
        """The settings in ``env``; ``media_root`` is the store when ``DRISHYA_MEDIA_URL`` is unset."""
        return cls(
            url=media_url(env, media_root),
            endpoint=mc.env_str(env, "AWS_ENDPOINT_URL_S3", mc.env_str(env, "AWS_ENDPOINT_URL", "")) or None,
            region=mc.env_str(env, "AWS_REGION", mc.env_str(env, "AWS_DEFAULT_REGION", "us-east-1")),
            access_key_id=mc.env_str(env, "AWS_ACCESS_KEY_ID", "") or None,
            secret_access_key=mc.env_str(env, "AWS_SECRET_ACCESS_KEY", "") or None,
            session_token=mc.env_str(env, "AWS_SESSION_TOKEN", "") or None,
        )

    @property
    def is_local(self) -> bool:
        """Whether the store is a local directory."""
        return urlsplit(self.url).scheme == "file"

    def open(self) -> MediaStore:
        """The store these settings name, not yet checked.

        Raises:
            MediaStoreConfigError: another scheme, a ``file`` URL with a host or no path, or an
                ``s3`` URL without a bucket.
        """
        url = self.url
        parts = urlsplit(url)
        if parts.scheme == "file":
            if parts.netloc not in ("", "localhost") or not parts.path:
                raise MediaStoreConfigError(f"DRISHYA_MEDIA_URL={url!r}: a file URL is file:///absolute/path")
            return LocalMediaStore(Path(unquote(parts.path)))
        if parts.scheme == "s3":
            if not parts.netloc:
                raise MediaStoreConfigError(f"DRISHYA_MEDIA_URL={url!r}: an S3 URL is s3://bucket/prefix")
            return S3MediaStore(parts.netloc, unquote(parts.path), self)
        raise MediaStoreConfigError(f"DRISHYA_MEDIA_URL={url!r}: the scheme must be file:// or s3://")


def media_url(env: Mapping[str, str], media_root: Path) -> str:
    """``DRISHYA_MEDIA_URL``, or ``media_root`` as a ``file://`` URL when it is unset."""
    return mc.env_str(env, "DRISHYA_MEDIA_URL", "") or Path(media_root).resolve().as_uri()


def open_media_store(url: str, env: Mapping[str, str] | None = None) -> MediaStore:
    """The store ``url`` names, with the ``AWS_*`` settings of ``env`` (the process environment
    when None); not yet checked. Raises :class:`MediaStoreConfigError` as :meth:`MediaSettings.open`."""
    env = os.environ if env is None else env
    base = MediaSettings.from_env(env, Path("/"))
    return dataclasses.replace(base, url=url).open()


def store_of(settings: MediaSettings | None, media_root: Path) -> MediaStore:
    """The store of a service's config: ``settings`` when given, else the local ``media_root``."""
    return (settings or MediaSettings(Path(media_root).resolve().as_uri())).open()
