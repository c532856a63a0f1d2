"""Progress bars for management commands whose work reports a share done (0–1), such as a video's jobs."""

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
