"""Schedule strings: parsing, human descriptions, run decisions, --ignore-schedules and errors."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from modules.schedule import (
    DAY_ALIASES,
    AllOf,
    Daily,
    Decision,
    Hourly,
    Monthly,
    Never,
    NonExisting,
    OnDate,
    Range,
    Schedule,
    ScheduleError,
    Weekly,
    Yearly,
    check,
    parse_schedule,
    parse_scheduled_bool,
    scheduled_bool,
)

MON = datetime(2025, 6, 2, 14, 30)  # Monday
TUE = datetime(2025, 6, 3, 14, 30)  # Tuesday
FRI = datetime(2025, 6, 6, 9, 0)  # Friday
JUNE_30 = datetime(2025, 6, 30, 12, 0)  # Monday, last day of a 30-day month
JULY_31 = datetime(2025, 7, 31, 12, 0)  # Thursday
LEAP_DAY = datetime(2024, 2, 29, 12, 0)  # Thursday
FEB_28_LEAP = datetime(2024, 2, 28, 12, 0)  # Wednesday, not the last day
FEB_28_COMMON = datetime(2025, 2, 28, 12, 0)  # Friday, last day of February 2025
NEW_YEARS_EVE = datetime(2025, 12, 31, 23, 0)  # Wednesday
NEW_YEARS_DAY = datetime(2026, 1, 1, 1, 0)  # Thursday


def at(hour: int) -> datetime:
    """Tuesday 2025-06-03 at `hour`:15."""
    return datetime(2025, 6, 3, hour, 15)


# --------------------------------------------------------------------------- parsing into options


@pytest.mark.parametrize(
    ("value", "options"),
    [
        (None, (Daily(),)),
        ("", (Daily(),)),
        ("   ", (Daily(),)),
        ([], (Daily(),)),
        ("daily", (Daily(),)),
        ("Day", (Daily(),)),
        ("days", (Daily(),)),
        ("never", (Never(),)),
        ("non_existing", (NonExisting(),)),
        ("hourly(3)", (Hourly(3, 3),)),
        ("hourly(22-02)", (Hourly(22, 2),)),
        ("hourly( 8 - 17 )", (Hourly(8, 17),)),
        ("weekly(friday|monday)", (Weekly((0, 4)),)),
        (" WEEKLY( Mon | FRIDAY | mon ) ", (Weekly((0, 4)),)),
        ("monthly(1)", (Monthly(1),)),
        ("monthly(LAST)", (Monthly(None),)),
        ("yearly(2/29)", (Yearly(2, 29),)),
        ("date(12/25/2025)", (OnDate(date(2025, 12, 25)),)),
        ("range(12/01-01/15|06/01-06/30)", (Range((((12, 1), (1, 15)), ((6, 1), (6, 30)))),)),
        ("all[weekly(monday), hourly(3)]", (AllOf((Weekly((0,)), Hourly(3, 3))),)),
        (
            "all[weekly(monday), hourly(3)], monthly(1)",
            (AllOf((Weekly((0,)), Hourly(3, 3))), Monthly(1)),
        ),
        ("weekly(monday), never,", (Weekly((0,)), Never())),
        (
            ["weekly(monday)", "all[hourly(3), monthly(last)]"],
            (Weekly((0,)), AllOf((Hourly(3, 3), Monthly(None)))),
        ),
        (["hourly(1), hourly(2)", "never"], (Hourly(1, 1), Hourly(2, 2), Never())),
    ],
)
def test_parse_schedule_options(value: str | list[str] | None, options: tuple[object, ...]) -> None:
    assert parse_schedule(value) == Schedule(options)  # type: ignore[arg-type]


def test_source_keeps_the_text_but_not_equality() -> None:
    parsed = parse_schedule(["weekly(monday) ", " hourly(3)"])
    assert parsed.source == "weekly(monday), hourly(3)"
    assert parsed == Schedule((Weekly((0,)), Hourly(3, 3)), source="something else")


@pytest.mark.parametrize(
    ("alias", "weekday"),
    [
        ("monday", 0), ("mon", 0), ("mo", 0), ("m", 0),
        ("tuesday", 1), ("tues", 1), ("tue", 1), ("tu", 1), ("t", 1),
        ("wednesday", 2), ("weds", 2), ("wed", 2), ("we", 2), ("w", 2),
        ("thursday", 3), ("thurs", 3), ("thur", 3), ("thu", 3), ("th", 3), ("r", 3),
        ("friday", 4), ("fri", 4), ("fr", 4), ("f", 4),
        ("saturday", 5), ("sat", 5), ("sa", 5), ("s", 5),
        ("sunday", 6), ("sun", 6), ("su", 6), ("u", 6),
    ],
)  # fmt: skip
def test_weekday_aliases(alias: str, weekday: int) -> None:
    assert parse_schedule(f"weekly({alias.upper()})") == Schedule((Weekly((weekday,)),))
    assert DAY_ALIASES[alias] == weekday


def test_alias_table_has_no_other_entries() -> None:
    assert len(DAY_ALIASES) == 32


# --------------------------------------------------------------------------- descriptions


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("daily", "daily"),
        ("never", "never"),
        ("non_existing", "only if the collection does not exist"),
        ("hourly(3)", "hourly at hour 3"),
        ("hourly(22-02)", "hourly from hour 22 to hour 2"),
        ("weekly(monday)", "weekly on Monday"),
        ("weekly(fri|mon)", "weekly on Monday or Friday"),
        ("weekly(f|w|m)", "weekly on Monday, Wednesday or Friday"),
        ("monthly(15)", "monthly on day 15"),
        ("monthly(last)", "monthly on the last day"),
        ("yearly(2/9)", "yearly on 02/09"),
        ("date(1/2/2026)", "on 01/02/2026"),
        ("range(12/01-01/15)", "between 12/01 and 01/15"),
        ("range(12/01-01/15|6/1-6/30)", "between 12/01 and 01/15 or between 06/01 and 06/30"),
        ("all[weekly(mon), hourly(3)]", "weekly on Monday and hourly at hour 3"),
        ("all[weekly(mon|fri), hourly(3)]", "(weekly on Monday or Friday) and hourly at hour 3"),
        (
            "all[weekly(mon), hourly(3)], monthly(1)",
            "(weekly on Monday and hourly at hour 3) or monthly on day 1",
        ),
        ("all[weekly(mon)], monthly(1)", "weekly on Monday or monthly on day 1"),
        (["weekly(mon)", "never"], "weekly on Monday or never"),
    ],
)
def test_describe(value: str | list[str], text: str) -> None:
    assert parse_schedule(value).describe() == text


# --------------------------------------------------------------------------- run or not


@pytest.mark.parametrize(
    ("value", "now", "run"),
    [
        ("daily", TUE, True),
        ("never", TUE, False),
        # hourly, including a range that wraps past midnight
        ("hourly(14)", at(14), True),
        ("hourly(14)", at(15), False),
        ("hourly(0)", at(0), True),
        ("hourly(9-17)", at(9), True),
        ("hourly(9-17)", at(17), True),
        ("hourly(9-17)", at(18), False),
        ("hourly(22-02)", at(22), True),
        ("hourly(22-02)", at(23), True),
        ("hourly(22-02)", at(0), True),
        ("hourly(22-02)", at(2), True),
        ("hourly(22-02)", at(3), False),
        ("hourly(22-02)", at(21), False),
        # weekly
        ("weekly(monday)", MON, True),
        ("weekly(monday)", TUE, False),
        ("weekly(mon|fri)", FRI, True),
        ("weekly(sun|sat)", datetime(2025, 6, 8), True),
        # monthly
        ("monthly(2)", MON, True),
        ("monthly(3)", MON, False),
        ("monthly(31)", JULY_31, True),
        ("monthly(31)", JUNE_30, False),
        ("monthly(30)", JUNE_30, True),
        ("monthly(last)", JUNE_30, True),
        ("monthly(last)", datetime(2025, 6, 29), False),
        ("monthly(last)", LEAP_DAY, True),
        ("monthly(last)", FEB_28_LEAP, False),
        ("monthly(last)", FEB_28_COMMON, True),
        ("monthly(29)", FEB_28_COMMON, False),
        # yearly, including the leap day
        ("yearly(06/02)", MON, True),
        ("yearly(06/02)", datetime(2026, 6, 2), True),
        ("yearly(06/03)", MON, False),
        ("yearly(02/29)", LEAP_DAY, True),
        ("yearly(02/29)", datetime(2028, 2, 29), True),
        ("yearly(02/29)", FEB_28_COMMON, False),
        ("yearly(02/29)", datetime(2025, 3, 1), False),
        # date
        ("date(06/02/2025)", MON, True),
        ("date(06/02/2026)", datetime(2025, 6, 2), False),
        ("date(02/29/2024)", LEAP_DAY, True),
        # range, including one across the year end
        ("range(06/01-06/30)", MON, True),
        ("range(06/01-06/30)", datetime(2025, 7, 1), False),
        ("range(12/01-01/15)", NEW_YEARS_EVE, True),
        ("range(12/01-01/15)", NEW_YEARS_DAY, True),
        ("range(12/01-01/15)", datetime(2026, 1, 15), True),
        ("range(12/01-01/15)", datetime(2026, 1, 16), False),
        ("range(12/01-01/15)", datetime(2025, 11, 30), False),
        ("range(12/25-12/25)", datetime(2025, 12, 25), True),
        ("range(01/01-01/31|12/01-12/31)", NEW_YEARS_EVE, True),
        ("range(01/01-01/31|12/01-12/30)", NEW_YEARS_EVE, False),
        ("range(02/29-03/01)", LEAP_DAY, True),
        # all[...] needs every option
        ("all[weekly(monday), hourly(14)]", MON, True),
        ("all[weekly(monday), hourly(15)]", MON, False),
        ("all[weekly(tuesday), hourly(14)]", MON, False),
        ("all[range(12/01-01/31), weekly(wednesday)]", NEW_YEARS_EVE, True),
        ("all[range(12/01-01/31), weekly(wednesday)]", NEW_YEARS_DAY, False),
        ("all[monthly(last), range(02/01-02/29)]", LEAP_DAY, True),
        ("all[monthly(last), all[weekly(th), hourly(12)]]", LEAP_DAY, True),
        # OR over list entries and comma-separated strings
        (["weekly(tuesday)", "monthly(2)"], MON, True),
        (["weekly(tuesday)", "monthly(3)"], MON, False),
        ("weekly(tuesday), monthly(2)", MON, True),
        ("never, daily", TUE, True),
        ("all[weekly(friday), hourly(9)], weekly(monday)", FRI, True),
        ("all[weekly(friday), hourly(10)], weekly(monday)", FRI, False),
        ("all[weekly(friday), hourly(10)], weekly(monday)", MON, True),
    ],
)
def test_check_run(value: str | list[str], now: datetime, run: bool) -> None:
    assert check(parse_schedule(value), now).run is run


@pytest.mark.parametrize(
    ("value", "now", "exists", "ignore", "decision"),
    [
        (
            "weekly(monday)",
            TUE,
            True,
            False,
            Decision(False, "Scheduled to run weekly on Monday; today is Tuesday", "not_scheduled"),
        ),
        (
            "weekly(monday)",
            MON,
            True,
            False,
            Decision(True, "Scheduled to run weekly on Monday; today is Monday", "scheduled"),
        ),
        ("daily", TUE, True, False, Decision(True, "Scheduled to run daily", "scheduled")),
        (
            "weekly(monday)",
            TUE,
            True,
            True,
            Decision(
                True,
                "Scheduled to run weekly on Monday; today is Tuesday; schedule ignored because of --ignore-schedules",
                "scheduled",
            ),
        ),
        (
            "never",
            TUE,
            True,
            True,
            Decision(
                True, "Scheduled to run never; schedule ignored because of --ignore-schedules", "scheduled"
            ),
        ),
        ("never", TUE, True, False, Decision(False, "Scheduled to run never", "not_scheduled")),
        (
            "hourly(22-02)",
            at(14),
            True,
            False,
            Decision(
                False, "Scheduled to run hourly from hour 22 to hour 2; current hour is 14", "not_scheduled"
            ),
        ),
        # monthly(31) in a 30-day month warns instead of falling back to the last day
        (
            "monthly(31)",
            JUNE_30,
            True,
            False,
            Decision(
                False,
                "Scheduled to run monthly on day 31; today is 06/30/2025; "
                "warning: June 2025 has only 30 days, so monthly(31) does not run this month",
                "not_scheduled",
            ),
        ),
        # only the options that matched explain a run
        (
            "monthly(31), weekly(monday)",
            JUNE_30,
            True,
            False,
            Decision(
                True, "Scheduled to run monthly on day 31 or weekly on Monday; today is Monday", "scheduled"
            ),
        ),
        # range() blocks even with --ignore-schedules
        (
            "range(12/01-12/31)",
            TUE,
            True,
            False,
            Decision(False, "Scheduled to run between 12/01 and 12/31; today is 06/03/2025", "range"),
        ),
        (
            "range(12/01-12/31)",
            TUE,
            True,
            True,
            Decision(
                False,
                "Scheduled to run between 12/01 and 12/31; today is 06/03/2025; "
                "range() schedules are not bypassed by --ignore-schedules",
                "range",
            ),
        ),
        (
            "range(12/01-01/15)",
            NEW_YEARS_DAY,
            True,
            True,
            Decision(True, "Scheduled to run between 12/01 and 01/15; today is 01/01/2026", "scheduled"),
        ),
        (
            "all[range(12/01-12/31), weekly(monday)]",
            TUE,
            True,
            True,
            Decision(
                False,
                "Scheduled to run between 12/01 and 12/31 and weekly on Monday; today is 06/03/2025; today is Tuesday; "
                "range() schedules are not bypassed by --ignore-schedules",
                "range",
            ),
        ),
        # inside a range, --ignore-schedules bypasses the other parts of an all[...]
        (
            "all[range(12/01-12/31), weekly(monday)]",
            NEW_YEARS_EVE,
            True,
            True,
            Decision(
                True,
                "Scheduled to run between 12/01 and 12/31 and weekly on Monday; today is 12/31/2025; today is Wednesday; "
                "schedule ignored because of --ignore-schedules",
                "scheduled",
            ),
        ),
        # a non-range alternative can be bypassed, so the schedule is not range-blocked
        (
            "range(12/01-12/31), weekly(monday)",
            TUE,
            True,
            False,
            Decision(
                False,
                "Scheduled to run between 12/01 and 12/31 or weekly on Monday; today is 06/03/2025; today is Tuesday",
                "not_scheduled",
            ),
        ),
        (
            "range(12/01-12/31), weekly(monday)",
            TUE,
            True,
            True,
            Decision(
                True,
                "Scheduled to run between 12/01 and 12/31 or weekly on Monday; today is 06/03/2025; today is Tuesday; "
                "schedule ignored because of --ignore-schedules",
                "scheduled",
            ),
        ),
        # non_existing
        (
            "non_existing",
            TUE,
            False,
            False,
            Decision(
                True,
                "Scheduled to run only if the collection does not exist; the collection does not exist",
                "non_existing",
            ),
        ),
        (
            "non_existing",
            TUE,
            True,
            False,
            Decision(
                False,
                "Scheduled to run only if the collection does not exist; the collection already exists",
                "non_existing",
            ),
        ),
        (
            "non_existing",
            TUE,
            True,
            True,
            Decision(
                True,
                "Scheduled to run only if the collection does not exist; the collection already exists; "
                "schedule ignored because of --ignore-schedules",
                "scheduled",
            ),
        ),
        (
            "non_existing, weekly(monday)",
            MON,
            False,
            False,
            Decision(
                True,
                "Scheduled to run only if the collection does not exist or weekly on Monday; "
                "the collection does not exist; today is Monday",
                "scheduled",
            ),
        ),
        (
            "non_existing, weekly(monday)",
            TUE,
            True,
            False,
            Decision(
                False,
                "Scheduled to run only if the collection does not exist or weekly on Monday; "
                "the collection already exists; today is Tuesday",
                "non_existing",
            ),
        ),
        (
            "all[non_existing, weekly(monday)]",
            MON,
            False,
            False,
            Decision(
                True,
                "Scheduled to run only if the collection does not exist and weekly on Monday; "
                "the collection does not exist; today is Monday",
                "non_existing",
            ),
        ),
        (
            "all[non_existing, range(12/01-12/31)]",
            TUE,
            False,
            True,
            Decision(
                False,
                "Scheduled to run only if the collection does not exist and between 12/01 and 12/31; "
                "the collection does not exist; today is 06/03/2025; "
                "range() schedules are not bypassed by --ignore-schedules",
                "range",
            ),
        ),
    ],
)
def test_check_decision(
    value: str | list[str], now: datetime, exists: bool, ignore: bool, decision: Decision
) -> None:
    assert check(parse_schedule(value), now, exists=exists, ignore_schedules=ignore) == decision


def test_check_defaults_to_existing_and_not_ignoring() -> None:
    assert check(parse_schedule("non_existing"), TUE).run is False
    assert check(parse_schedule("never"), TUE).run is False


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("weekly()", "weekly(): no day given"),
        ("weekly(funday)", "weekly(funday): unknown day 'funday'"),
        ("Weekly(Mon|Funday)", "Weekly(Mon|Funday): unknown day 'Funday'"),
        ("weekly(mon|)", "weekly(mon|): empty day"),
        ("weekly(monday, friday)", "weekly(monday, friday): unknown day 'monday, friday'"),
        ("weekly", "weekly: expected weekly(...)"),
        ("monthly(0)", "monthly(0): day must be between 1 and 31 or 'last', got '0'"),
        ("monthly(32)", "monthly(32): day must be between 1 and 31 or 'last', got '32'"),
        ("monthly(first)", "monthly(first): day must be between 1 and 31 or 'last', got 'first'"),
        ("monthly()", "monthly(): no day given"),
        ("hourly(24)", "hourly(24): hour must be between 0 and 23, got '24'"),
        ("hourly(22-24)", "hourly(22-24): hour must be between 0 and 23, got '24'"),
        ("hourly(-1)", "hourly(-1): invalid hour '-1', expected H or H1-H2"),
        ("hourly()", "hourly(): no hour given"),
        ("yearly(13/01)", "yearly(13/01): invalid month in '13/01': month must be between 1 and 12"),
        ("yearly(02/30)", "yearly(02/30): invalid day in '02/30': day must be between 1 and 29 for February"),
        ("yearly(04/31)", "yearly(04/31): invalid day in '04/31': day must be between 1 and 30 for April"),
        ("yearly(12-25)", "yearly(12-25): invalid date '12-25', expected MM/DD"),
        (
            "date(02/30/2025)",
            "date(02/30/2025): invalid day in '02/30/2025': day must be between 1 and 28 for February 2025",
        ),
        (
            "date(02/29/2025)",
            "date(02/29/2025): invalid day in '02/29/2025': day must be between 1 and 28 for February 2025",
        ),
        ("date(12/25)", "date(12/25): invalid date '12/25', expected MM/DD/YYYY"),
        (
            "date(00/01/2025)",
            "date(00/01/2025): invalid month in '00/01/2025': month must be between 1 and 12",
        ),
        ("range(01/01)", "range(01/01): invalid range '01/01', expected MM/DD-MM/DD"),
        (
            "range(01/01-13/01)",
            "range(01/01-13/01): invalid month in '13/01': month must be between 1 and 12",
        ),
        ("range(01/01-02/01|)", "range(01/01-02/01|): invalid range '', expected MM/DD-MM/DD"),
        ("range()", "range(): no range given"),
        ("fortnightly", "fortnightly: unknown schedule type 'fortnightly'"),
        ("daily, Fortnightly(2)", "Fortnightly(2): unknown schedule type 'Fortnightly'"),
        ("all[weekly(monday)", "all[weekly(monday): missing closing ']'"),
        ("daily, all[weekly(monday), hourly(3)", "all[weekly(monday), hourly(3): missing closing ']'"),
        ("weekly(monday", "weekly(monday: missing closing ')'"),
        ("weekly(monday)), daily", "weekly(monday)): unexpected ')'"),
        ("all[weekly(monday)), daily]", "all[weekly(monday)): unexpected ')'"),
        ("daily, weekly(mon)]", "weekly(mon)]: unexpected ']'"),
        ("all[]", "all[]: no options given"),
        ("all", "all: expected all[option, ...]"),
        ("all(weekly(monday))", "all(weekly(monday)): expected all[option, ...]"),
        ("all[weekly(monday), fortnightly]", "fortnightly: unknown schedule type 'fortnightly'"),
        ("weekly[monday]", "weekly[monday]: square brackets are only valid in all[...]"),
        ("never(1)", "never(1): never takes no arguments"),
        ("daily(2)", "daily(2): daily takes no arguments"),
        ("weekly(monday) please", "weekly(monday) please: not a schedule option"),
        (["weekly(monday)", 3], "3: schedule entries must be strings"),
        (5, "5: a schedule must be a string or a list of strings"),
    ],
)
def test_parse_errors(value: object, message: str) -> None:
    with pytest.raises(ScheduleError) as info:
        parse_schedule(value)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_schedule_error_is_a_value_error() -> None:
    assert issubclass(ScheduleError, ValueError)


# --------------------------------------------------------------------------- <bool or schedule>


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (True, True),
        (False, False),
        ("true", True),
        (" FALSE ", False),
        ("True", True),
        ("weekly(monday)", Schedule((Weekly((0,)),))),
        ("never", Schedule((Never(),))),
    ],
)
def test_parse_scheduled_bool(value: bool | str, parsed: bool | Schedule) -> None:
    assert parse_scheduled_bool(value) == parsed


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "'': expected true, false or a schedule"),
        (None, "None: expected true, false or a schedule"),
        ("yes please", "yes please: not a schedule option"),
    ],
)
def test_parse_scheduled_bool_errors(value: object, message: str) -> None:
    with pytest.raises(ScheduleError) as info:
        parse_scheduled_bool(value)  # type: ignore[arg-type]
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "now", "result"),
    [
        (True, TUE, True),
        (False, MON, False),
        ("false", MON, False),
        ("TRUE", TUE, True),
        ("weekly(monday)", MON, True),
        ("weekly(monday)", TUE, False),
        ("range(12/01-01/15)", NEW_YEARS_DAY, True),
        ("range(12/01-01/15)", TUE, False),
        ("non_existing", TUE, False),
        (Schedule((Hourly(14, 14),)), at(14), True),
        (Schedule((Hourly(14, 14),)), at(13), False),
    ],
)
def test_scheduled_bool(value: bool | str | Schedule, now: datetime, result: bool) -> None:
    assert scheduled_bool(value, now) is result
