"""What a process holds in memory, read from outside it (tests of what a fork server or the
zygote keeps: every later child is a copy of it)."""

from __future__ import annotations


def in_memory_of(pid: int, needle: bytes) -> bool:
    """Whether ``needle`` is anywhere in a process's readable memory (root reads any)."""
    step = 1 << 24
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("r"):
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            tail = b""
            for at in range(start, end, step):
                try:
                    mem.seek(at)
                    chunk = tail + mem.read(min(step, end - at))
                except (OSError, OverflowError, ValueError):  # [vvar] and the like cannot be read
                    break
                if needle in chunk:
                    return True
                tail = chunk[-len(needle):]
    return False
