"""Progress bars for management commands: work that reports a share done (0–1), such as a video's jobs, or bytes (backups)."""

from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def share_bar(stream, label):
    """Yields `show(label, share)`: the bar takes the label of what is being worked on and its share done."""
    with tqdm(total=100, unit="%", desc=label, file=stream, bar_format="{l_bar}{bar}| {n:.0f}%") as bar:

        def show(label, share):
            bar.set_description_str(label[:20], refresh=False)
            bar.n = share * 100
            bar.refresh()

        yield show


@contextmanager
def bytes_bar(stream, label):
    """Yields `show(done, total, current)`: bytes dealt with of all bytes, and the name of what is being read."""
    with tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, desc=label, file=stream, mininterval=0.5) as bar:

        def show(done, total, current):
            bar.total = total
            bar.n = min(done, total) if total else done
            bar.set_postfix_str(current[-40:], refresh=False)
            bar.update(0)  # redrawn at most every mininterval: a backup reports every 8 MB and every file

        yield show
