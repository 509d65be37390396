"""Cell value parsers: one test per rule (skillmatch.formats.values)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillmatch.formats.values import (
    Cost,
    Duration,
    cell_text,
    credential_type,
    delivery_mode,
    onet_2019_codes,
    parse_cip_code,
    parse_cost,
    parse_date,
    parse_duration,
    parse_integer,
    parse_number,
    parse_onet_code,
    parse_weeks,
    repair_text,
    resolve_onet,
)

# ------------------------------------------------------------------------- costs


def test_cost_plain_numbers_as_text_or_stored_numbers():
    assert parse_cost("5600") == Cost(5600.0, 5600.0)
    assert parse_cost(" 5600 ") == Cost(5600.0, 5600.0)
    assert parse_cost(1983) == Cost(1983.0, 1983.0)
    assert parse_cost(12.5) == Cost(12.5, 12.5)


def test_cost_currency_signs_and_thousands_separators():
    assert parse_cost("$1,200") == Cost(1200.0, 1200.0)
    assert parse_cost("$1,200.50") == Cost(1200.5, 1200.5)
    assert parse_cost("USD 300") == Cost(300.0, 300.0)
    assert parse_cost("$1,200 total, approx.") == Cost(1200.0, 1200.0)


def test_cost_range_keeps_minimum_and_maximum():
    assert parse_cost("$500 - $750") == Cost(500.0, 750.0)
    assert parse_cost("$500-750") == Cost(500.0, 750.0)
    assert parse_cost("500 to 750") == Cost(500.0, 750.0)
    assert parse_cost("between $500 and $750") == Cost(500.0, 750.0)


def test_cost_free_is_zero():
    assert parse_cost("Free") == Cost(0.0, 0.0)
    assert parse_cost("No cost") == Cost(0.0, 0.0)


def test_cost_free_audit_is_the_price_of_the_credential():
    got = parse_cost("FREE-Add a Verified Certificate for $199")
    assert got == Cost(199.0, 199.0, free_audit=True, note="free to audit")


def test_cost_per_period_is_not_a_total():
    got = parse_cost("$39/month")
    assert got is not None and got.minimum is None and "per month" in got.note
    got = parse_cost("$120 per credit hour")
    assert got is not None and got.minimum is None and "credit hour" in got.note


def test_cost_words_after_an_amount_are_not_a_period():
    assert parse_cost("$1,200 including a course kit") == Cost(1200.0, 1200.0)


@pytest.mark.parametrize("text", ["£300", "300 EUR", "CAD 450"])
def test_cost_other_currencies_are_errors(text):
    with pytest.raises(ValueError, match="not in US dollars"):
        parse_cost(text)


def test_cost_words_naming_a_currency_code_are_not_an_amount_in_it():
    assert parse_cost("$450 (AutoCAD license included)") == Cost(450.0, 450.0)


@pytest.mark.parametrize("value", ["-50", "-$50", -5])
def test_cost_negative_is_an_error(value):
    with pytest.raises(ValueError, match="negative"):
        parse_cost(value)


@pytest.mark.parametrize("text", ["call for pricing", "12x", "1,2,00", "abc"])
def test_cost_without_an_amount_is_an_error(text):
    with pytest.raises(ValueError, match="is not a cost"):
        parse_cost(text)


def test_cost_several_amounts_not_a_range_is_an_error_that_suggests_plus():
    with pytest.raises(ValueError, match=r"several amounts.*\+"):
        parse_cost("$1,200 and $300")


def test_cost_empty_is_unknown_not_zero():
    assert parse_cost(None) is None
    assert parse_cost("  ") is None


def test_cost_true_false_is_an_error():
    with pytest.raises(ValueError):
        parse_cost(True)


def test_costs_add_end_by_end_and_unknown_stays_unknown():
    assert Cost(500, 750) + Cost(75, 75) == Cost(575, 825)
    total = Cost(10, 10) + Cost(None, None, note="per month")
    assert total.minimum is None and total.note == "per month"


# --------------------------------------------------------------------- durations


def test_duration_bare_number_or_range_is_hours():
    assert parse_duration("20") == Duration(20.0, 20.0, rule="hours")
    assert parse_duration(160) == Duration(160.0, 160.0, rule="hours")
    assert parse_duration("20-30") == Duration(20.0, 30.0, rule="hours")


@pytest.mark.parametrize("text,hours", [("40 hours", 40), ("120 Contact Hours", 120),
                                        ("40h", 40), ("90 minutes", 1.5),
                                        ("40 lecture hours and 20 lab hours", 60),
                                        ("Approximately 36 clock hours", 36)])
def test_duration_stated_hours_are_the_hours(text, hours):
    got = parse_duration(text)
    assert got is not None and got.minimum == hours and got.rule.startswith("hours stated")


@pytest.mark.parametrize("text,hours", [("3 credit hours", 45), ("3 credits", 45),
                                        ("4 quarter credit hours", 40), ("2.4 CEUs", 24)])
def test_duration_credits_and_ceus_convert(text, hours):
    got = parse_duration(text)
    assert got is not None and got.minimum == pytest.approx(hours)


def test_duration_weekly_rate_times_length_takes_the_minimum_keeps_the_maximum():
    got = parse_duration("2-3 hours per week, 6 weeks")
    assert got == Duration(12.0, 18.0, 6.0, "hours per week x weeks")
    assert parse_duration("6 weeks, 2-3 hrs/wk") == got
    assert parse_duration("3 hours weekly for 1 semester").minimum == 45


def test_duration_daily_rate_times_days_or_working_days_of_weeks():
    assert parse_duration("6 hrs/day, 3 days").minimum == 18
    assert parse_duration("6 hours per day for 2 weeks").minimum == 60


@pytest.mark.parametrize("text,weeks", [("6 Weeks", 6), ("1 semester", 15), ("1 year", 52),
                                        ("2 quarters", 20), ("3 months", 13)])
def test_duration_length_alone_states_no_hours_but_keeps_weeks(text, weeks):
    got = parse_duration(text)
    assert got is not None and got.minimum is None and got.maximum is None
    assert got.weeks == pytest.approx(weeks) and "length alone" in got.rule


def test_duration_rate_alone_states_no_hours():
    got = parse_duration("2-3 hours per week")
    assert got is not None and got.minimum is None and "rate alone" in got.rule


@pytest.mark.parametrize("text", ["Varies", "Self-paced", "self paced", "TBD", "Ongoing"])
def test_duration_words_for_unknown_are_unknown_not_errors(text):
    got = parse_duration(text)
    assert got is not None and got.minimum is None


@pytest.mark.parametrize("text", ["ERROR", "about a month", "soon"])
def test_duration_malformed_is_an_error(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


def test_duration_negative_is_an_error():
    with pytest.raises(ValueError, match="negative"):
        parse_duration(-4)


def test_durations_add_totals():
    assert (Duration(40, 40) + Duration(20, 30)).maximum == 70
    assert (Duration(40, 40) + Duration(None, None, 6.0)).minimum is None


# ------------------------------------------------------------------------- codes


@pytest.mark.parametrize("value", [15112200.0, "15112200.0", "15112200", 15112200,
                                   "15-1122.00", "15-1122", "151122",
                                   "15-1122.00 Software Developers, Applications"])
def test_onet_code_forms(value):
    assert parse_onet_code(value) == "15-1122.00"


def test_onet_code_keeps_its_detail_digits():
    assert parse_onet_code("51412106") == "51-4121.06"


@pytest.mark.parametrize("value", ["1234567", "15.1122", "abc", 15.5])
def test_onet_code_malformed_is_an_error(value):
    with pytest.raises(ValueError, match="not an O\\*NET-SOC code"):
        parse_onet_code(value)


def test_onet_code_empty_is_none():
    assert parse_onet_code(None) is None and parse_onet_code(" ") is None


@pytest.mark.parametrize("value,code", [(110101.0, "11.0101"), ("110101.0", "11.0101"),
                                        ("10101", "01.0101"), ("10000 ", "01.0000"),
                                        ("460000", "46.0000"), ("11.0101", "11.0101"),
                                        ("1.0101", "01.0101"), ('="01.0101"', "01.0101"),
                                        (11.0101, "11.0101"), ("11", "11"),
                                        ("11.01", "11.01")])
def test_cip_code_forms(value, code):
    assert parse_cip_code(value) == code


@pytest.mark.parametrize("value", ["1", "1101", "11.010", "CIP"])
def test_cip_code_malformed_is_an_error(value):
    with pytest.raises(ValueError, match="not a CIP code"):
        parse_cip_code(value)


CROSSWALK = {"15-1132.00": ["15-1252.00"], "15-1134.00": ["15-1254.00", "15-1255.00"],
             "11-1021.00": ["11-1021.00"], "29-1141.00": ["29-1141.04", "29-1141.00"]}


def test_resolve_onet_keeps_2019_codes_and_maps_2010_ones():
    got = resolve_onet(["11-1021.00", "15-1132.00"], CROSSWALK)
    assert got.codes == ["11-1021.00", "15-1252.00"]
    assert got.mapped == {"15-1132.00": ["15-1252.00"]} and got.unresolved == []


def test_resolve_onet_a_split_code_becomes_all_its_successors_kept_code_first():
    assert resolve_onet(["15-1134.00"], CROSSWALK).codes == ["15-1254.00", "15-1255.00"]
    assert resolve_onet(["29-1141.00"], {"29-1141.00": ["29-1141.04", "29-1141.00"]}
                        ).codes == ["29-1141.00"]  # a 2019 code itself: kept as is


def test_resolve_onet_reports_codes_in_neither_release_and_keeps_them():
    got = resolve_onet(["11-1000.00", "15-1132.00", "11-1000.00"], CROSSWALK)
    assert got.codes == ["11-1000.00", "15-1252.00"]
    assert got.unresolved == ["11-1000.00", "11-1000.00"]


def test_resolve_onet_without_crosswalk_flags_only_impossible_major_groups():
    got = resolve_onet(["12-1232.00", "15-1252.00"], {})
    assert got.codes == ["12-1232.00", "15-1252.00"] and got.unresolved == ["12-1232.00"]


def test_onet_2019_codes_are_the_crosswalk_targets():
    assert "15-1255.00" in onet_2019_codes(CROSSWALK)
    assert "15-1134.00" not in onet_2019_codes(CROSSWALK)


# ------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value", ["2021-02-12", "2021-02-12T00:00:00.000",
                                   "February 12, 2021 4:06 PM", "February 12, 2021",
                                   "Feb 12, 2021", "12-FEB-2021", "02/12/2021", "2/12/21",
                                   datetime(2021, 2, 12, 16, 6), date(2021, 2, 12)])
def test_date_forms(value):
    assert parse_date(value) == "2021-02-12"


def test_date_number_is_an_error_and_text_that_is_no_date_too():
    with pytest.raises(ValueError, match="a number, not a date"):
        parse_date(44239)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("sometime in spring")
    with pytest.raises(ValueError, match="not a date"):
        parse_date("2021-02-30")


# ---------------------------------------------------------------- numbers and text


def test_number_and_integer():
    assert parse_number("42,405") == 42405.0 and parse_number("1.5") == 1.5
    assert parse_integer("3") == 3 and parse_integer(3.0) == 3 and parse_integer("") is None
    with pytest.raises(ValueError, match="not a number"):
        parse_number("12 apples")
    with pytest.raises(ValueError, match="not a whole number"):
        parse_integer("2.5")
    with pytest.raises(ValueError, match="not a whole number"):
        parse_integer("-1")


def test_cell_text():
    assert cell_text(32211.0) == "32211" and cell_text(2.5) == "2.5"
    assert cell_text(datetime(2021, 2, 12)) == "2021-02-12"
    assert cell_text(None) == "" and cell_text("  x ") == "x"


@pytest.mark.parametrize("text,mode", [("In-person", "in person"), ("Face-to-face", "in person"),
                                       ("Distance Education", "online"), ("ONLINE", "online"),
                                       ("Blended", "hybrid"), ("Hybrid", "hybrid"),
                                       ("Correspondence", None)])
def test_delivery_modes(text, mode):
    assert delivery_mode(text) == mode


@pytest.mark.parametrize("text,kind", [("Certificate", "certificate"), ("badges", "badge"),
                                       ("Licence", "license"), ("DEGREE", "degree"),
                                       ("Associates Degree", None), ("Micro-credential", None)])
def test_credential_types(text, kind):
    assert credential_type(text) == kind


def test_repair_text_undoes_mojibake_and_flattened_line_breaks():
    garbled = ("â€¢\tExcellent writing skills.  â€¢\tNew Yorkâ€™s agencies.    "
               "Next paragraph\t1.\tA degree")
    assert repair_text(garbled) == ("• Excellent writing skills.\n• New York’s agencies.\n"
                                    "Next paragraph\n1. A degree")


def test_repair_text_twice_garbled_and_bytes_cp1252_leaves_undefined():
    assert repair_text("Ã¢â‚¬Â¢ Investigates complaints") == "• Investigates complaints"
    assert repair_text("the â€œquotedâ€\x9d text, cafÃ©") == "the “quoted” text, café"


def test_repair_text_leaves_clean_text_and_real_accents_alone():
    text = "Café résumé, São Paulo — naïve “quotes”.\nSecond line"
    assert repair_text(text) == text


# ------------------------------------------------------------ property-based checks

_CELLS = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**9, 10**9),
                   st.floats(allow_nan=True, allow_infinity=True),
                   st.from_regex(r"\$?\d{1,6}(,\d{3})?( ?- ?\$?\d{1,6})?( (hours|weeks))?",
                                 fullmatch=True))


@settings(max_examples=300, deadline=None)
@given(_CELLS)
def test_parsers_raise_only_value_error(value):
    for parse in (parse_cost, parse_duration, parse_onet_code, parse_cip_code, parse_date,
                  parse_number, parse_integer):
        try:
            parse(value)
        except ValueError:
            pass


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1e7), st.floats(0, 1e7))
def test_cost_range_minimum_never_exceeds_maximum(a, b):
    got = parse_cost(f"${a:,.2f} - ${b:,.2f}")
    assert got is not None and got.minimum is not None and got.maximum is not None
    assert got.minimum <= got.maximum
    assert got.minimum == pytest.approx(min(round(a, 2), round(b, 2)))


@pytest.mark.parametrize("value,weeks", [("13", 13), (13, 13), ("6 Weeks", 6), ("6-8", 6),
                                         ("1 semester", 15), ("2-3 hours per week, 6 weeks", 6)])
def test_weeks(value, weeks):
    assert parse_weeks(value) == weeks


@pytest.mark.parametrize("value", ["ERROR", "40 hours"])
def test_weeks_without_a_length_is_an_error(value):
    with pytest.raises(ValueError, match="not a length"):
        parse_weeks(value)
