"""OS-level isolation of the untrusted worker: namespaces, hidden paths, privileges, limits.

Why: the student's code must not read the hidden tests, the reference implementation or other
submissions. On Linux the worker is started under ``unshare`` (new mount, PID, network and IPC
namespaces; plus a user namespace when the grader is not root). Before any student code runs the
worker mounts empty read-only tmpfs over every hidden path, bind-mounts back the few paths it
needs (the Python installation, its own working directory), verifies from inside that the hidden
paths are gone, and then gives up its privileges (``setuid(nobody)`` when root, otherwise all
capabilities are dropped) with ``no_new_privs`` set so no setuid binary can undo the mounts.

Where namespaces are unavailable, :func:`isolation_level` returns ``"best-effort"``: an audit hook
refuses file access under hidden paths and process creation, and an import blocker refuses
``mbrl_ref``. That stops casual reading but not a determined attacker using ``ctypes``.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

NOBODY = 65534
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_REMOUNT = 1, 2, 4, 32
_MS_BIND, _MS_REC, _MS_PRIVATE = 4096, 16384, 1 << 18
_PR_SET_NO_NEW_PRIVS, _PR_CAPBSET_DROP = 38, 24
# Top-level directories the worker may see. Every other top-level directory (/home, /root, /work,
# /tmp, /var, /opt, /srv, /mnt, ...) is hidden: an allow-list, so that another copy of the course
# (an instructor's second checkout, a colleague's folder) cannot be read either. The Python
# installation and the worker's own folder are bound back in wherever they live.
_VISIBLE_TOP_LEVEL = {
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/bin",
    "/sbin",
    "/etc",
    "/proc",
    "/dev",
    "/sys",
}
# Never mounted over: the root and the visible top-level directories (hiding one would break the
# worker). Everything else, /var and /opt included, may be hidden.
_NEVER_HIDE = {"/"} | _VISIBLE_TOP_LEVEL


def _hidden_top_level() -> list[str]:
    """Every real top-level directory outside the allow-list (symlinks point into hidden ones)."""
    out = []
    for name in sorted(os.listdir("/")):
        path = "/" + name
        if path in _VISIBLE_TOP_LEVEL or os.path.islink(path) or not os.path.isdir(path):
            continue
        out.append(path)
    return out


def _unshare_args() -> list[str]:
    args = [
        "--mount",
        "--propagation",
        "private",
        "--pid",
        "--fork",
        "--kill-child",
        "--mount-proc",
        "--net",
        "--ipc",
    ]
    if os.geteuid() != 0:
        args[:0] = ["--user", "--map-root-user"]
    return args


@functools.cache
def isolation_level() -> str:
    """``"namespaces"`` when the worker can be fully isolated here, else ``"best-effort"``."""
    if platform.system() != "Linux" or os.environ.get("MBRL_SANDBOX_NO_NAMESPACES"):
        return "best-effort"
    exe = shutil.which("unshare")
    if exe is None:
        return "best-effort"
    probe = (
        "import ctypes, os; lib = ctypes.CDLL(None, use_errno=True); "
        "rc = lib.mount(b'tmpfs', b'/tmp', b'tmpfs', ctypes.c_ulong(0), b'size=16k'); "
        "os._exit(0 if rc == 0 and os.listdir('/tmp') == [] else 3)"
    )
    try:
        r = subprocess.run(
            [exe, *_unshare_args(), sys.executable, "-S", "-c", probe],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return "best-effort"
    return "namespaces" if r.returncode == 0 else "best-effort"


def wrap_command(cmd: Sequence[str]) -> list[str]:
    """Prefix ``cmd`` with the ``unshare`` invocation for the current isolation level."""
    if isolation_level() != "namespaces":
        return list(cmd)
    return [shutil.which("unshare") or "unshare", *_unshare_args(), *cmd]


def _real(p: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(p))


def find_repo_root(start: Path) -> Path | None:
    """The nearest ancestor of ``start`` holding ``pyproject.toml`` or ``.git`` (or None)."""
    for d in [start, *start.parents]:
        if (d / "pyproject.toml").exists() or (d / ".git").exists():
            return d
    return None


def default_hidden_paths(extra: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
    """Paths the worker must not see: the grading packages, their repository, home, /tmp, extras."""
    import mbrl_grader
    import mbrl_ref

    pkgs = [Path(_real(Path(m.__file__).parent)) for m in (mbrl_ref, mbrl_grader)]
    paths = [*pkgs, Path(_real(Path.home())), Path(_real("/tmp")), Path(_real("/var/tmp"))]
    for pkg in pkgs:
        repo = find_repo_root(pkg.parent)
        if repo is not None:
            paths.append(repo)
    paths += [Path(_real(p)) for p in extra]
    out: list[str] = []
    for p in paths:
        s = str(p)
        if s not in _NEVER_HIDE and s not in out:
            out.append(s)
    return out


def default_keep_paths() -> list[str]:
    """Paths the worker needs even when under a hidden path: the Python installation."""
    keep = {
        _real(sys.prefix),
        _real(sys.base_prefix),
        _real(Path(sys.executable).parent),
        str(Path(_real(sys.executable)).parent.parent),
    }
    return sorted(k for k in keep if k not in _NEVER_HIDE)


def _under(p: str, root: str) -> bool:
    return p == root or p.startswith(root.rstrip("/") + "/")


# --------------------------------------------------------------------------- inside the worker


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _mount(src: str | None, tgt: str, fstype: str | None, flags: int, data: str | None) -> None:
    lib = _libc()

    def enc(s: str | None) -> bytes | None:
        return s.encode() if s is not None else None

    if lib.mount(enc(src), enc(tgt), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"mount {src} -> {tgt}: {os.strerror(e)}")


def _hide(path: str) -> None:
    _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64k,mode=755")


def _private_workdir(workdir: str, size_mb: int) -> None:
    """Replace the working directory by a size-limited tmpfs holding the same (small) files.

    Why: the student's writes then never reach the grader's disk, and their volume is bounded.
    """
    files: dict[str, bytes] = {}
    dirs: list[str] = []
    for root, ds, fs in os.walk(workdir):
        for d in ds:
            dirs.append(os.path.relpath(os.path.join(root, d), workdir))
        for f in fs:
            p = os.path.join(root, f)
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as fh:
                    files[os.path.relpath(p, workdir)] = fh.read()
    _mount("tmpfs", workdir, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size_mb}m,mode=755")
    for d in dirs:
        os.makedirs(os.path.join(workdir, d), exist_ok=True)
    for rel, data in files.items():
        with open(os.path.join(workdir, rel), "wb") as fh:
            fh.write(data)


def apply_namespace_isolation(
    hidden: Sequence[str],
    keep: Sequence[str],
    workdir: str,
    probes: Sequence[str],
    workdir_mb: int = 512,
) -> dict[str, Any]:
    """Hide ``hidden`` (keeping ``keep`` and ``workdir``), drop privileges; return a report."""
    problems: list[str] = []
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE, None)
    keeps = sorted({_real(k) for k in [*keep, workdir]})
    hides = [_real(h) for h in hidden if os.path.isdir(_real(h)) and _real(h) not in _NEVER_HIDE]
    hides = sorted({*hides, *_hidden_top_level()}, key=len)
    fds = {k: os.open(k, os.O_PATH) for k in keeps if os.path.exists(k)}
    mounted: list[str] = []
    for h in hides:
        if os.path.isdir(h):
            _hide(h)
            mounted.append(h)
    for k, fd in fds.items():
        if not os.path.exists(k):
            os.makedirs(k, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", k, None, _MS_BIND | _MS_REC, None)
        os.close(fd)
    # a keep bind may have brought back a hidden path below it: hide it again
    for h in hides:
        if os.path.isdir(h) and os.listdir(h) and any(_under(h, k) for k in keeps):
            _hide(h)
            mounted.append(h)
    for h in dict.fromkeys(mounted):
        try:
            _mount(None, h, None, _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV, None)
        except OSError as e:
            problems.append(f"read-only remount of {h} failed: {e}")
    _private_workdir(workdir, workdir_mb)
    if os.path.isdir("/dev/shm"):  # shared between processes system-wide: make it private
        _mount("tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64m,mode=1777")
    problems += _verify(hides, keeps, probes)
    return {"level": "namespaces", "hidden": hides, "problems": problems}


def _verify(hides: Sequence[str], keeps: Sequence[str], probes: Sequence[str]) -> list[str]:
    problems = []
    for p in probes:
        if os.path.exists(p):
            problems.append(f"probe {p} is still visible")
    for h in hides:
        if any(_under(k, h) for k in keeps):
            continue
        try:
            if os.listdir(h):
                problems.append(f"{h} is not empty")
        except OSError:
            pass
    return problems


def drop_privileges(workdir: str) -> str:
    """Become unprivileged for good: nobody when root outside, else no capabilities at all."""
    lib = _libc()
    lib.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    real_root = _outside_uid() == 0
    if real_root and os.getuid() == 0:
        for root, dirs, files in os.walk(workdir):
            for n in [*dirs, *files]:
                os.lchown(os.path.join(root, n), NOBODY, NOBODY)
        os.chown(workdir, NOBODY, NOBODY)
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        return "nobody"
    for cap in range(64):
        if lib.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    if lib.capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    return "no-capabilities"


def _outside_uid() -> int:
    try:
        with open("/proc/self/uid_map") as f:
            first = f.read().split()
        # "inside outside count": outside uid of inside uid 0
        return int(first[1]) if first and first[0] == "0" else os.getuid()
    except OSError:
        return os.getuid()


def set_limits(memory_mb: int, cpu_seconds: int, fsize_mb: int = 64, nproc: int = 64) -> None:
    """Apply resource limits to this process (inherited by its children)."""

    def lim(kind: int, value: int) -> None:
        soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass

    lim(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    lim(resource.RLIMIT_CPU, max(1, cpu_seconds))
    lim(resource.RLIMIT_FSIZE, fsize_mb * 1024 * 1024)
    lim(resource.RLIMIT_CORE, 0)
    if os.getuid() != 0:
        lim(resource.RLIMIT_NPROC, nproc)


# --------------------------------------------------------------------------- fallback


def install_best_effort(hidden: Sequence[str], keep: Sequence[str]) -> dict[str, Any]:
    """Audit hook refusing reads under hidden paths and process creation (not a real sandbox)."""
    hides = [_real(h) for h in hidden]
    keeps = [_real(k) for k in keep]
    blocked_events = {
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "subprocess.Popen",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.cdata",
        "os.startfile",
        "pty.spawn",
    }
    path_events = {
        "open",
        "os.listdir",
        "os.scandir",
        "os.chdir",
        "os.rename",
        "os.remove",
        "os.symlink",
        "os.link",
        "shutil.copyfile",
        "glob.glob",
        "os.walk",
    }

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in blocked_events:
            raise PermissionError(f"{event} is not allowed during grading")
        if event in path_events and args:
            target = args[0]
            if isinstance(target, int) or target is None:
                return
            try:
                p = _real(os.fsdecode(target))
            except (TypeError, ValueError):
                return
            if any(_under(p, h) for h in hides) and not any(_under(p, k) for k in keeps):
                raise PermissionError(f"{p} is not readable during grading")

    sys.addaudithook(hook)
    return {"level": "best-effort", "hidden": hides, "problems": []}
