"""A new folder per run, written atomically: files go to a hidden temp folder that is renamed
into place only when everything was written. An earlier run is never touched."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from optimizer.errors import WriteError


def run_name(target_flops: float, mode: str, now: datetime | None = None) -> str:
    """Return ``<UTC time>_<target>_<mode>``, e.g. ``20261128T205000Z_1e21_sustained``."""
    now = now or datetime.now(UTC)
    target = f"{target_flops:.3g}".replace("+", "")
    return f"{now:%Y%m%dT%H%M%SZ}_{target}_{mode}"


def _free_name(parent: Path, name: str) -> Path:
    candidate, i = parent / name, 2
    while candidate.exists():
        candidate, i = parent / f"{name}-{i}", i + 1
    return candidate


def check_writable(reports_dir: Path) -> None:
    """Raise :class:`WriteError` now if a run folder could not be written under ``reports_dir``.

    Called before solving, so an unwritable location (a file, a read-only folder or file
    system) fails at once rather than after the solve. Nothing is left behind: the probe is a
    temporary folder made and removed in ``reports_dir``, or in its nearest existing parent
    when ``reports_dir`` does not exist yet (it is only created when the run is written).
    """
    target = Path(reports_dir)
    probe_in = target
    while not probe_in.exists() and probe_in != probe_in.parent:
        if probe_in.is_symlink():
            break  # a dangling symlink: mkdir will fail on it
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        what = "a file" if probe_in.is_file() else "not a folder"
        raise WriteError(
            f"--reports-dir {reports_dir}: cannot write there: {probe_in} is {what} "
            "(expected a folder, or a path whose parents are folders)"
        )
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".zopt-probe-", dir=probe_in))
    except OSError as exc:
        raise WriteError(
            f"--reports-dir {reports_dir}: cannot write there: {exc.strerror or exc} "
            f"in {probe_in} (expected a writable folder)"
        ) from exc


@contextmanager
def new_run_folder(reports_dir: Path, name: str):
    """Yield a temporary folder; on success rename it to a new ``reports_dir/name[-k]``.

    On any exception (a write error, a full disk, Ctrl-C) the temporary folder is removed,
    nothing under ``reports_dir`` changes, and folders made for this run (``reports_dir`` and its
    missing parents) are removed again. The final path is ``holder["path"]`` after the block.
    """
    reports_dir = Path(reports_dir)
    made = _missing_folders(reports_dir)
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=reports_dir))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; a run folder is an ordinary folder
    except OSError as exc:
        _remove_empty(made)
        raise WriteError(f"cannot create a run folder in {reports_dir}: {exc}") from exc
    holder = {"tmp": tmp, "path": None}
    try:
        yield holder
        final = _free_name(reports_dir, name)
        os.rename(tmp, final)
        holder["path"] = final
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(made)
        raise WriteError(f"cannot write the run folder in {reports_dir}: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(made)
        raise


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, deepest first."""
    out = []
    while not folder.exists() and folder != folder.parent:
        out.append(folder)
        folder = folder.parent
    return out


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) while they are empty; leave anything else alone."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
