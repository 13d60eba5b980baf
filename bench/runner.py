# SPDX-License-Identifier: GPL-2.0-or-later
# runner.py: run a command, measure wall time and peak RSS (via wait4),
# and print side-by-side ratios. Shared by the bench scripts.
import os
import statistics
import subprocess
import tempfile
import time


TIME = "/usr/bin/time"  # package time (scripts/deps.sh)


def measure(cmd, repeat=3, cwd=None, env=None):
    """Median wall seconds and max peak RSS (KiB) over @repeat runs.
    Peak RSS comes from /usr/bin/time: a child's ru_maxrss seen by this
    process starts from the Python parent's own size at fork time."""
    walls, rss = [], []
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile(mode="r") as out:
            wrap = [TIME, "-f", "%M", "-o", out.name] if os.path.exists(
                TIME) else []
            t0 = time.monotonic()
            p = subprocess.Popen(wrap + cmd, cwd=cwd, env=env,
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            walls.append(time.monotonic() - t0)
            text = out.read().strip().splitlines()
            rss.append(int(text[-1]) if wrap and text and text[-1].isdigit()
                       else ru.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit("command failed (%d): %s" % (code, cmd))
    return statistics.median(walls), max(rss)


def report(title, rows):
    """rows: [(label, wall_s, rss_kib)]; the first row is the baseline."""
    print("\n== %s" % title)
    print("%-28s %10s %12s %10s %10s" % ("", "wall s", "peak RSS MiB",
                                          "time ×", "RSS ×"))
    base_wall, base_rss = rows[0][1], rows[0][2]
    for label, wall, rss in rows:
        print("%-28s %10.3f %12.1f %10.2f %10.2f" % (
            label, wall, rss / 1024.0, base_wall / wall if wall else 0,
            base_rss / rss if rss else 0))
    print("(× columns: how many times faster / smaller than the first row)")
