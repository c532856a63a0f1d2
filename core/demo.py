"""Demo content for a fresh install: the loaders the apps registered, run in order by `load_demo`.

Apps register their loaders in `AppConfig.ready()` (articles, videos, the videos placed in an
article, the job fairs, …); `load_demo` runs them and imports no app. A loader is called as
`load(say, progress)`: `say(text)` reports a detail line, `say(text, done=True)` its summary, and
`progress(label)` opens a share bar (core.progress.share_bar). Loaders add only what is missing, so
a later one finds what an earlier one made in the database, or finds nothing and does without it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Loader:
    name: str
    load: object  # a callable: load(say, progress), returning nothing
    order: int
    needs_ffmpeg: bool = False  # skipped by `load_demo --no-videos`


loaders = {}


def register(name, load, order, needs_ffmpeg=False):
    """Have `load_demo` call `load(say, progress)`, lowest order first. Registering a name again replaces it."""
    loaders[name] = Loader(name, load, order, needs_ffmpeg)


def loaders_to_run(with_ffmpeg=True):
    return sorted(
        (loader for loader in loaders.values() if with_ffmpeg or not loader.needs_ffmpeg),
        key=lambda loader: (loader.order, loader.name),
    )
