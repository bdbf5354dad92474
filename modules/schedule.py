"""Kometa schedule strings: parse them into `Schedule` values and decide whether something runs now.
Pure functions only: the caller supplies the clock (`now`) and whether the collection exists."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, TypeVar

DecisionKind = Literal["scheduled", "not_scheduled", "range", "non_existing"]
_Ordered = TypeVar("_Ordered", int, tuple[int, int])

DAY_NAMES: tuple[str, ...] = tuple(calendar.day_name[i] for i in range(7))
MONTH_NAMES: tuple[str, ...] = tuple(calendar.month_name[i] for i in range(13))

# Weekday aliases (0 = Monday): full names, common abbreviations, two-letter and one-letter forms.
DAY_ALIASES: dict[str, int] = {
    **dict.fromkeys(("monday", "mon", "mo", "m"), 0),
    **dict.fromkeys(("tuesday", "tues", "tue", "tu", "t"), 1),
    **dict.fromkeys(("wednesday", "weds", "wed", "we", "w"), 2),
    **dict.fromkeys(("thursday", "thurs", "thur", "thu", "th", "r"), 3),
    **dict.fromkeys(("friday", "fri", "fr", "f"), 4),
    **dict.fromkeys(("saturday", "sat", "sa", "s"), 5),
    **dict.fromkeys(("sunday", "sun", "su", "u"), 6),
}

_OPENERS = {"(": ")", "[": "]"}
_OPTION_RE = re.compile(r"^([a-z_]+)\s*(?:\((.*)\)|\[(.*)\])?$", re.IGNORECASE | re.DOTALL)
_HOURS_RE = re.compile(r"^(\d{1,2})(?:\s*-\s*(\d{1,2}))?$", re.ASCII)
_MONTH_DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})$", re.ASCII)
_FULL_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)


class ScheduleError(ValueError):
    """A schedule string that cannot be parsed; the message starts with the offending part."""


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Option:
    """One schedule option; subclasses say when they match."""

    def describe(self) -> str:
        """Human text for this option, e.g. "weekly on Monday"."""
        raise NotImplementedError

    def matches(self, now: datetime, exists: bool) -> bool:
        """Whether this option lets the run happen at `now`."""
        raise NotImplementedError

    def range_allows(self, now: datetime) -> bool:
        """Whether the option passes when everything except range() is ignored (--ignore-schedules)."""
        return True

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        """Facts about `now` that explain the decision, e.g. "today is Tuesday"."""
        return ()

    @property
    def needs_missing(self) -> bool:
        """Whether matching depends on the collection not existing (non_existing)."""
        return False


@dataclass(frozen=True)
class Daily(Option):
    """`daily`: every run."""

    def describe(self) -> str:
        return "daily"

    def matches(self, now: datetime, exists: bool) -> bool:
        return True


@dataclass(frozen=True)
class Never(Option):
    """`never`: no run, unless schedules are ignored."""

    def describe(self) -> str:
        return "never"

    def matches(self, now: datetime, exists: bool) -> bool:
        return False


@dataclass(frozen=True)
class NonExisting(Option):
    """`non_existing`: only while the collection does not exist yet."""

    def describe(self) -> str:
        return "only if the collection does not exist"

    def matches(self, now: datetime, exists: bool) -> bool:
        return not exists

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        return ("the collection already exists" if exists else "the collection does not exist",)

    @property
    def needs_missing(self) -> bool:
        return True


@dataclass(frozen=True)
class Hourly(Option):
    """`hourly(H)` or `hourly(H1-H2)`; a range with start > end wraps past midnight."""

    start: int
    end: int

    def describe(self) -> str:
        if self.start == self.end:
            return f"hourly at hour {self.start}"
        return f"hourly from hour {self.start} to hour {self.end}"

    def matches(self, now: datetime, exists: bool) -> bool:
        return _in_span(now.hour, self.start, self.end)

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        return (f"current hour is {now.hour}",)


@dataclass(frozen=True)
class Weekly(Option):
    """`weekly(day|day...)`; days are weekday numbers, 0 = Monday, sorted and unique."""

    days: tuple[int, ...]

    def describe(self) -> str:
        return "weekly on " + _join_or([DAY_NAMES[d] for d in self.days])

    def matches(self, now: datetime, exists: bool) -> bool:
        return now.weekday() in self.days

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        return (f"today is {DAY_NAMES[now.weekday()]}",)


@dataclass(frozen=True)
class Monthly(Option):
    """`monthly(D)` or `monthly(last)` (day None); a day the month lacks does not run."""

    day: int | None

    def describe(self) -> str:
        return "monthly on the last day" if self.day is None else f"monthly on day {self.day}"

    def matches(self, now: datetime, exists: bool) -> bool:
        last = calendar.monthrange(now.year, now.month)[1]
        return now.day == (last if self.day is None else self.day)

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        last = calendar.monthrange(now.year, now.month)[1]
        found = (_today(now),)
        if self.day is not None and self.day > last:
            month = f"{MONTH_NAMES[now.month]} {now.year}"
            return (
                *found,
                f"warning: {month} has only {last} days, so monthly({self.day}) does not run this month",
            )
        return found


@dataclass(frozen=True)
class Yearly(Option):
    """`yearly(MM/DD)`; 02/29 runs only in leap years."""

    month: int
    day: int

    def describe(self) -> str:
        return f"yearly on {self.month:02d}/{self.day:02d}"

    def matches(self, now: datetime, exists: bool) -> bool:
        return (now.month, now.day) == (self.month, self.day)

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        return (_today(now),)


@dataclass(frozen=True)
class OnDate(Option):
    """`date(MM/DD/YYYY)`: that one day."""

    day: date

    def describe(self) -> str:
        return f"on {self.day:%m/%d/%Y}"

    def matches(self, now: datetime, exists: bool) -> bool:
        return now.date() == self.day

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        return (_today(now),)


@dataclass(frozen=True)
class Range(Option):
    """`range(MM/DD-MM/DD|...)`: spans of (month, day) pairs; start > end wraps past new year."""

    spans: tuple[tuple[tuple[int, int], tuple[int, int]], ...]

    def describe(self) -> str:
        return " or ".join(f"between {_md(start)} and {_md(end)}" for start, end in self.spans)

    def matches(self, now: datetime, exists: bool) -> bool:
        return self.range_allows(now)

    def range_allows(self, now: datetime) -> bool:
        return any(_in_span((now.month, now.day), start, end) for start, end in self.spans)

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        return (_today(now),)


@dataclass(frozen=True)
class AllOf(Option):
    """`all[opt1, opt2, ...]`: every inner option must match."""

    options: tuple[Option, ...]

    def describe(self) -> str:
        parts = [o.describe() for o in self.options]
        return " and ".join(f"({p})" if " or " in p else p for p in parts)

    def matches(self, now: datetime, exists: bool) -> bool:
        return all(o.matches(now, exists) for o in self.options)

    def range_allows(self, now: datetime) -> bool:
        return all(o.range_allows(now) for o in self.options)

    def notes(self, now: datetime, exists: bool) -> tuple[str, ...]:
        return _unique(n for o in self.options for n in o.notes(now, exists))

    @property
    def needs_missing(self) -> bool:
        return any(o.needs_missing for o in self.options)


# --------------------------------------------------------------------------- schedule and decision


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: the options are OR-ed; `source` is the text it came from."""

    options: tuple[Option, ...]
    source: str = field(default="", compare=False)

    def describe(self) -> str:
        """Human text, e.g. "weekly on Monday or Friday"."""
        if len(self.options) == 1:
            return self.options[0].describe()
        return " or ".join(
            f"({o.describe()})" if isinstance(o, AllOf) and len(o.options) > 1 else o.describe()
            for o in self.options
        )


@dataclass(frozen=True)
class Decision:
    """Whether to run now, why, and which kind of decision it was."""

    run: bool
    reason: str
    kind: DecisionKind


DAILY = Schedule((Daily(),), source="daily")


def check(
    schedule: Schedule, now: datetime, *, exists: bool = True, ignore_schedules: bool = False
) -> Decision:
    """Decide whether `schedule` runs at `now`; --ignore-schedules bypasses everything but range()."""
    head = f"Scheduled to run {schedule.describe()}"
    matched = [o for o in schedule.options if o.matches(now, exists)]
    if matched:
        kind: DecisionKind = "non_existing" if all(o.needs_missing for o in matched) else "scheduled"
        return Decision(True, _reason(head, matched, now, exists), kind)
    reason = _reason(head, schedule.options, now, exists)
    if not any(o.range_allows(now) for o in schedule.options):
        if ignore_schedules:
            reason += "; range() schedules are not bypassed by --ignore-schedules"
        return Decision(False, reason, "range")
    if ignore_schedules:
        return Decision(True, reason + "; schedule ignored because of --ignore-schedules", "scheduled")
    if any(o.needs_missing for o in schedule.options):
        return Decision(False, reason, "non_existing")
    return Decision(False, reason, "not_scheduled")


def _reason(head: str, options: Sequence[Option], now: datetime, exists: bool) -> str:
    """`head` followed by the notes of `options`, separated by "; "."""
    notes = _unique(n for o in options for n in o.notes(now, exists))
    return "; ".join((head, *notes))


# --------------------------------------------------------------------------- parsing


def parse_schedule(value: str | list[str] | None) -> Schedule:
    """Parse a schedule string, comma-separated string or list of strings (OR); None or empty is daily."""
    if value is None:
        return DAILY
    if isinstance(value, str):
        entries: list[str] = [value]
    elif isinstance(value, list | tuple):
        entries = list(value)
    else:
        raise ScheduleError(f"{value!r}: a schedule must be a string or a list of strings")
    options: list[Option] = []
    for entry in entries:
        if not isinstance(entry, str):
            raise ScheduleError(f"{entry!r}: schedule entries must be strings")
        options.extend(_parse_option(piece) for piece in _split_top_level(entry))
    if not options:
        return DAILY
    return Schedule(tuple(options), source=", ".join(e.strip() for e in entries if e.strip()))


def parse_scheduled_bool(value: bool | str) -> bool | Schedule:
    """Parse a `<bool or schedule>` value such as `visible_library`; "true"/"false" strings are bools."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ScheduleError(f"{value!r}: expected true, false or a schedule")
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return parse_schedule(value)


def scheduled_bool(value: bool | str | Schedule, now: datetime) -> bool:
    """Evaluate a `<bool or schedule>` value at `now`: a schedule is true when it would run."""
    parsed = value if isinstance(value, Schedule) else parse_scheduled_bool(value)
    if isinstance(parsed, bool):
        return parsed
    return check(parsed, now).run


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets; blank pieces are dropped, unbalanced brackets raise."""
    pieces: list[str] = []
    stack: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char in _OPENERS:
            stack.append(char)
        elif char in ")]":
            if not stack or _OPENERS[stack[-1]] != char:
                raise ScheduleError(f"{text[start : i + 1].strip()}: unexpected '{char}'")
            stack.pop()
        elif char == "," and not stack:
            pieces.append(text[start:i])
            start = i + 1
    if stack:
        raise ScheduleError(f"{text[start:].strip()}: missing closing '{_OPENERS[stack[-1]]}'")
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _parse_option(piece: str) -> Option:
    """Parse one option such as `weekly(monday)` or `all[...]`."""
    match = _OPTION_RE.match(piece)
    if match is None:
        raise ScheduleError(f"{piece}: not a schedule option")
    name, paren, bracket = match[1].lower(), match[2], match[3]
    if name == "all":
        if bracket is None:
            raise ScheduleError(f"{piece}: expected all[option, ...]")
        return _parse_all(piece, bracket)
    if bracket is not None:
        raise ScheduleError(f"{piece}: square brackets are only valid in all[...]")
    simple = _simple_option(name)
    if simple is not None:
        if paren is not None:
            raise ScheduleError(f"{piece}: {name} takes no arguments")
        return simple
    parser = _PARSERS.get(name)
    if parser is None:
        raise ScheduleError(f"{piece}: unknown schedule type '{match[1]}'")
    if paren is None:
        raise ScheduleError(f"{piece}: expected {name}(...)")
    return parser(piece, paren.strip())


def _simple_option(name: str) -> Option | None:
    """The argument-less options: daily (or anything starting with "day"), never, non_existing."""
    if name == "daily" or name.startswith("day"):
        return Daily()
    if name == "never":
        return Never()
    if name == "non_existing":
        return NonExisting()
    return None


def _parse_all(piece: str, inner: str) -> AllOf:
    """`all[...]`: comma-separated options that must all match."""
    parts = _split_top_level(inner)
    if not parts:
        raise ScheduleError(f"{piece}: no options given")
    return AllOf(tuple(_parse_option(p) for p in parts))


def _parse_hourly(piece: str, arg: str) -> Hourly:
    """`hourly(H)` or `hourly(H1-H2)`, hours 0-23."""
    if not arg:
        raise ScheduleError(f"{piece}: no hour given")
    match = _HOURS_RE.match(arg)
    if match is None:
        raise ScheduleError(f"{piece}: invalid hour '{arg}', expected H or H1-H2")
    texts = [h for h in match.groups() if h is not None]
    for text in texts:
        if int(text) > 23:
            raise ScheduleError(f"{piece}: hour must be between 0 and 23, got '{text}'")
    return Hourly(int(texts[0]), int(texts[-1]))


def _parse_weekly(piece: str, arg: str) -> Weekly:
    """`weekly(day|day...)` with the aliases in DAY_ALIASES."""
    if not arg:
        raise ScheduleError(f"{piece}: no day given")
    days: set[int] = set()
    for raw in arg.split("|"):
        token = raw.strip()
        if not token:
            raise ScheduleError(f"{piece}: empty day")
        if token.lower() not in DAY_ALIASES:
            raise ScheduleError(f"{piece}: unknown day '{token}'")
        days.add(DAY_ALIASES[token.lower()])
    return Weekly(tuple(sorted(days)))


def _parse_monthly(piece: str, arg: str) -> Monthly:
    """`monthly(D)` with D in 1-31, or `monthly(last)`."""
    if not arg:
        raise ScheduleError(f"{piece}: no day given")
    if arg.lower() == "last":
        return Monthly(None)
    if not (arg.isascii() and arg.isdigit() and 1 <= int(arg) <= 31):
        raise ScheduleError(f"{piece}: day must be between 1 and 31 or 'last', got '{arg}'")
    return Monthly(int(arg))


def _parse_yearly(piece: str, arg: str) -> Yearly:
    """`yearly(MM/DD)`; 02/29 is allowed."""
    month, day = _parse_month_day(piece, arg)
    return Yearly(month, day)


def _parse_date(piece: str, arg: str) -> OnDate:
    """`date(MM/DD/YYYY)`, a real calendar date."""
    match = _FULL_DATE_RE.match(arg)
    if match is None:
        raise ScheduleError(f"{piece}: invalid date '{arg}', expected MM/DD/YYYY")
    month, day, year = (int(g) for g in match.groups())
    if year < 1:
        raise ScheduleError(f"{piece}: invalid year in '{arg}'")
    _check_month(piece, arg, month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ScheduleError(
            f"{piece}: invalid day in '{arg}': day must be between 1 and {last} for {MONTH_NAMES[month]} {year}"
        )
    return OnDate(date(year, month, day))


def _parse_range(piece: str, arg: str) -> Range:
    """`range(MM/DD-MM/DD|...)`."""
    if not arg:
        raise ScheduleError(f"{piece}: no range given")
    spans = []
    for raw in arg.split("|"):
        span = raw.strip()
        ends = span.split("-")
        if len(ends) != 2:
            raise ScheduleError(f"{piece}: invalid range '{span}', expected MM/DD-MM/DD")
        spans.append((_parse_month_day(piece, ends[0].strip()), _parse_month_day(piece, ends[1].strip())))
    return Range(tuple(spans))


def _parse_month_day(piece: str, text: str) -> tuple[int, int]:
    """An `MM/DD` pair valid in some year (02/29 included)."""
    match = _MONTH_DAY_RE.match(text)
    if match is None:
        raise ScheduleError(f"{piece}: invalid date '{text}', expected MM/DD")
    month, day = int(match[1]), int(match[2])
    _check_month(piece, text, month)
    last = calendar.monthrange(2000, month)[1]
    if not 1 <= day <= last:
        raise ScheduleError(
            f"{piece}: invalid day in '{text}': day must be between 1 and {last} for {MONTH_NAMES[month]}"
        )
    return month, day


def _check_month(piece: str, text: str, month: int) -> None:
    """Raise unless 1 <= month <= 12."""
    if not 1 <= month <= 12:
        raise ScheduleError(f"{piece}: invalid month in '{text}': month must be between 1 and 12")


_PARSERS: dict[str, Callable[[str, str], Option]] = {
    "hourly": _parse_hourly,
    "weekly": _parse_weekly,
    "monthly": _parse_monthly,
    "yearly": _parse_yearly,
    "date": _parse_date,
    "range": _parse_range,
}


# --------------------------------------------------------------------------- helpers


def _in_span(value: _Ordered, start: _Ordered, end: _Ordered) -> bool:
    """Whether start <= value <= end, wrapping around when start > end."""
    if start <= end:
        return start <= value <= end
    return value >= start or value <= end


def _join_or(names: Sequence[str]) -> str:
    """ "A", "A or B", "A, B or C"."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _md(pair: tuple[int, int]) -> str:
    """(12, 1) -> "12/01"."""
    return f"{pair[0]:02d}/{pair[1]:02d}"


def _today(now: datetime) -> str:
    """The date note shared by monthly, yearly, date and range."""
    return f"today is {now:%m/%d/%Y}"


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order without repeats."""
    return tuple(dict.fromkeys(items))
