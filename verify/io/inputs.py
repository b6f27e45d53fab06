"""The articles a command is given, as ArticleRecords: files, folders of them, standard input ('-'), a JSONL
file of records `{"id", "text", ...}`, or a saved `datasets` dataset with those columns.

`article_inputs` finds everything a user can get wrong in naming them before any model loads (a missing
path, a folder without articles, a line that is not a JSON object, a record without a string id or text,
two articles with one id) and says it in one line. The texts are read one at a time while the articles are
analysed (a corpus need not fit in memory), and an article that cannot be read (an empty, binary or
non-UTF-8 file) becomes that article's failure, not the run's.

Ids: a file's path as given (a folder's files as the folder's path joined with their names); standard
input '-'; a record's own "id". A record's other fields travel with it to its output line.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verify.datamodel import ArticleFailure, ArticleRecord
from verify.errors import VerifyError, install_extra
from verify.io.reading import InputFormat, read_article_as

FOLDER_SUFFIXES = (".txt", ".html", ".htm")  # the files of a folder that are its articles
# Keys of an output line (verify.report.jsonl) that a record's own fields must not take.
RESERVED_FIELDS = ("report", "error")


@dataclass(frozen=True)
class ReadArticle:
    """An article as read: its record, or why it could not be read; and whether its text was extracted
    from HTML (an output then carries that text, which the offsets point into)."""

    article: ArticleRecord | ArticleFailure
    from_html: bool = False


@dataclass(frozen=True)
class ArticleFiles:
    """Article files, each its own article named by its path; '-' is standard input."""

    paths: tuple[str, ...]
    input_format: InputFormat

    def located_ids(self) -> Iterator[tuple[str, str]]:
        return ((path, path) for path in self.paths)

    def read(self, skip: Container[str]) -> Iterator[ReadArticle]:
        for path in self.paths:
            if path in skip:
                continue
            try:
                text, read_as = read_article_as(path, self.input_format)
            except VerifyError as error:
                yield ReadArticle(ArticleFailure(path, error))
            else:
                yield ReadArticle(ArticleRecord(path, text), from_html=read_as is InputFormat.html)


class RecordSource(ABC):
    """Records `{"id", "text", ...}` read anew at each pass: once to check them all, once to analyse them."""

    @abstractmethod
    def rows(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Each record's data, with where it is ("FILE:LINE", "DIR row N") for messages."""

    def located_ids(self) -> Iterator[tuple[str, str]]:
        return ((record_of(data, where).id, where) for where, data in self.rows())

    def read(self, skip: Container[str]) -> Iterator[ReadArticle]:
        for where, data in self.rows():
            record = record_of(data, where)
            if record.id not in skip:
                yield ReadArticle(record)


@dataclass(frozen=True)
class JsonlRecords(RecordSource):
    path: Path

    def rows(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        return jsonl_objects(self.path)


@dataclass(frozen=True)
class DatasetRecords(RecordSource):
    path: Path
    dataset: Any  # a datasets.Dataset (memory-mapped: its rows are read as they are iterated)

    def rows(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        return ((f"{self.path} row {number}", row) for number, row in enumerate(self.dataset))


ArticleSource = ArticleFiles | RecordSource


@dataclass(frozen=True)
class ArticleInputs:
    """A command's articles, checked: every id, unique and in input order, and the sources to read them from."""

    ids: tuple[str, ...]
    sources: tuple[ArticleSource, ...]

    def read(self, skip: Container[str] = frozenset()) -> Iterator[ReadArticle]:
        """Each article whose id is not in `skip`, in input order, read when its turn comes."""
        for source in self.sources:
            yield from source.read(skip)

    def records(self) -> Iterator[ArticleRecord | ArticleFailure]:
        """Each article's record, or its failure where it could not be read."""
        return (read.article for read in self.read())


def article_inputs(
    paths: Sequence[str] = (),
    jsonl: Path | None = None,
    dataset: Path | None = None,
    input_format: InputFormat = InputFormat.auto,
) -> ArticleInputs:
    """The articles named by `paths` (files, folders, '-'), the records of the `jsonl` file and the rows of
    the saved `dataset`, in that order, checked as the module docstring says."""
    sources: list[ArticleSource] = []
    if paths:
        sources.append(ArticleFiles(tuple(_article_paths(paths)), input_format))
    if jsonl is not None:
        if not jsonl.is_file():
            raise VerifyError(f"{jsonl}: {'is a directory, not a JSONL file' if jsonl.is_dir() else 'no such file'}")
        sources.append(JsonlRecords(jsonl))
    if dataset is not None:
        sources.append(DatasetRecords(dataset, load_saved_dataset(dataset)))
    if not sources:
        raise VerifyError("no articles given: name article files or folders, - (standard input), --input or --dataset")
    ids = unique_ids(located for source in sources for located in source.located_ids())
    if not ids:
        raise VerifyError(f"{jsonl or dataset}: holds no records")
    return ArticleInputs(ids, tuple(sources))


def _article_paths(paths: Sequence[str]) -> Iterator[str]:
    """The paths given, a folder replaced by its article files (by name; hidden files left out)."""
    for path in paths:
        if path == "-" or Path(path).is_file():
            yield path
        elif Path(path).is_dir():
            try:
                names = sorted(entry.name for entry in os.scandir(path) if _is_article_file(entry))
            except OSError as error:
                raise VerifyError(f"{path}: cannot list the folder ({error.strerror})") from None
            if not names:
                raise VerifyError(f"{path}: no articles in the folder (*{', *'.join(FOLDER_SUFFIXES)})")
            yield from (os.path.join(path, name) for name in names)
        else:
            raise VerifyError(f"{path}: no such file")


def _is_article_file(entry: os.DirEntry) -> bool:
    return entry.is_file() and entry.name.lower().endswith(FOLDER_SUFFIXES) and not entry.name.startswith(".")


def record_of(data: Mapping[str, Any], where: str) -> ArticleRecord:
    """The record in `data`: a non-empty string "id", a string "text" (an empty one fails as that article's
    failure, as an empty file does), and the other fields, none of them named as an output line's keys."""
    identifier, text = data.get("id"), data.get("text")
    if not isinstance(identifier, str) or not identifier.strip():
        raise VerifyError(f'{where}: "id" must be a non-empty string')
    if not isinstance(text, str):
        raise VerifyError(f'{where}: "text" must be a string, not {"missing" if text is None else type(text).__name__}')
    reserved = [name for name in RESERVED_FIELDS if name in data]
    if reserved:
        raise VerifyError(f'{where}: the field "{reserved[0]}" is a key of verify\'s output lines: rename it')
    return ArticleRecord(identifier, text, {key: value for key, value in data.items() if key not in ("id", "text")})


def unique_ids(located: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The ids of (id, where) pairs in order, refused when one repeats: an id names its article's output line."""
    first_seen: dict[str, str] = {}
    for identifier, where in located:
        if identifier in first_seen:
            raise VerifyError(f"duplicate id {identifier!r} ({first_seen[identifier]} and {where}): ids must be unique")
        first_seen[identifier] = where
    return tuple(first_seen)


def jsonl_objects(path: Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each non-blank line's JSON object, with "FILE:LINE"; a line that is not UTF-8, not a JSON object, or
    holds an unpaired surrogate escape (not text: no output could quote it) is an error naming the line."""
    try:
        with path.open("rb") as lines:
            for number, raw in enumerate(lines, 1):
                where = f"{path}:{number}"
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    raise VerifyError(f"{where}: not UTF-8 text (invalid byte at offset {error.start})") from None
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    if "\\ud" in line.lower():  # only an escape can make an unpaired surrogate
                        json.dumps(data, ensure_ascii=False).encode("utf-8")
                except json.JSONDecodeError as error:
                    # "Invalid control character at": json's message runs on into its position
                    reason = error.msg.removesuffix(" at")
                    raise VerifyError(f"{where}: not JSON ({reason}, column {error.colno})") from None
                except UnicodeEncodeError:
                    raise VerifyError(f"{where}: holds an unpaired surrogate escape (\\ud800-\\udfff)") from None
                if not isinstance(data, dict):
                    raise VerifyError(f"{where}: not a JSON object")
                yield where, data
    except OSError as error:
        raise VerifyError(f"{path}: cannot read ({error.strerror})") from None


def load_saved_dataset(path: Path) -> Any:
    """The `datasets` Dataset saved at `path` (`save_to_disk`); `datasets` is imported only here, as it comes
    with the train extra only."""
    try:
        import datasets
    except ImportError:
        raise VerifyError(
            f"{path} is a saved dataset: reading it needs the datasets package ({install_extra('train')})"
        ) from None
    try:
        dataset = datasets.load_from_disk(str(path))
    except Exception as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        raise VerifyError(f"cannot read saved dataset {path}: {reason}") from None
    if isinstance(dataset, datasets.DatasetDict):
        raise VerifyError(f"{path} holds several splits ({', '.join(dataset)}): pass one split's directory")
    return dataset
