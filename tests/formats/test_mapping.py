"""The column-mapping grammar, its files, and a mapping applied to rows
(skillmatch.formats.mapping, skillmatch.formats.mapping_apply)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillmatch.errors import InputError
from skillmatch.formats.base import Notes
from skillmatch.formats.mapping import (
    Call,
    Column,
    Items,
    Join,
    Literal,
    Sum,
    load_mapping,
    parse_expression,
    parse_mapping,
    quote,
)
from skillmatch.formats.mapping_apply import BoundMapping, FieldError

# ------------------------------------------------------------------------ grammar


def test_a_quoted_column():
    assert parse_expression('"Program Name"') == Column("Program Name")


def test_a_column_with_embedded_quotes_line_breaks_and_backslashes():
    assert parse_expression(r'"Program \"Short\" Description"') == Column(
        'Program "Short" Description')
    assert parse_expression(r'"Length:\nWeeks"') == Column("Length:\nWeeks")
    assert parse_expression(r'"A\\B"') == Column("A\\B")
    assert quote('Length:\nWeeks "x"') == r'"Length:\nWeeks \"x\""'


def test_a_constant():
    assert parse_expression("'certificate'") == Literal("certificate")
    assert parse_expression(r"'it\'s'") == Literal("it's")


def test_plus_sums():
    assert parse_expression('"Tuition" + "Books" + "Other Costs"') == Sum(
        (Column("Tuition"), Column("Books"), Column("Other Costs")))


def test_bar_makes_a_list():
    assert parse_expression('"O*NET 1" | "O*NET 2" | "O*NET 3"') == Items(
        (Column("O*NET 1"), Column("O*NET 2"), Column("O*NET 3")))


def test_tilde_joins_texts():
    assert parse_expression('"Program Description" ~ "Associated Credential Name"') == Join(
        (Column("Program Description"), Column("Associated Credential Name")))


def test_precedence_bar_then_tilde_then_plus_and_parentheses_group():
    assert parse_expression('"A" + "B" ~ "C" | "D"') == Items(
        (Join((Sum((Column("A"), Column("B"))), Column("C"))), Column("D")))
    assert parse_expression('"A" + ("B" ~ "C")') == Sum(
        (Column("A"), Join((Column("B"), Column("C")))))


def test_functions_choose_a_parser_and_join_a_separator():
    assert parse_expression('cost("Optional Cost")') == Call("cost", Column("Optional Cost"))
    assert parse_expression("join(' / ', \"A\", \"B\")") == Join(
        (Column("A"), Column("B")), sep=" / ")


@pytest.mark.parametrize("text,message", [
    ('"Tuition" +', "at the end"),
    ('"Tuition', "unexpected '\"'"),
    ("Tuition", "unknown function 'Tuition'"),
    ('coast("A")', "did you mean 'cost'"),
    ('cost "A"', "expected '(' after cost"),
    ('("A" + "B"', "expected ')'"),
    ('"A" "B"', "unexpected '\"B\"'"),
    ("join(\"A\", \"B\")", "join takes a 'separator'"),
    ('cost("A", "B")', "takes one expression"),
    ("", "empty expression"),
    ('"A" * "B"', "unexpected '*'"),
])
def test_expression_errors_name_the_option_and_the_bad_part(text, message):
    with pytest.raises(InputError, match="--map option 1") as info:
        parse_mapping([f"cost={text}"])
    assert message in str(info.value)


def test_error_names_which_option_and_where_in_it():
    with pytest.raises(InputError) as info:
        parse_mapping(['title="Program Name"', 'cost="Tuition" + + "Books"'])
    assert "--map option 2" in str(info.value)
    assert "character 13" in str(info.value) and "'+ \"Books\"'" in str(info.value)


# ------------------------------------------------------------------------ entries


def test_option_lines_fields_meta_values_and_options():
    m = parse_mapping(['title="Program Name"', "type='certificate'",
                       'meta.cip=cip("CIP Code")',
                       "values.type.\"Associates Degree\"='degree'",
                       "options.missing='ERROR' | 'INVALID CODE'",
                       "options.unique_id='false'", "options.header_row='3'",
                       "options.kind='credentials'"])
    assert set(m.fields) == {"title", "type"} and m.meta["cip"].expr == Call(
        "cip", Column("CIP Code"))
    assert m.values == {"type": {"associates degree": "degree"}}
    assert m.options.missing == ("ERROR", "INVALID CODE") and m.options.unique_id is False
    assert m.options.header_row == 3 and m.options.kind == "credentials"


def test_a_later_entry_for_a_field_replaces_an_earlier_one():
    m = parse_mapping(['title="A"', 'title="B"'])
    assert m.fields["title"].expr == Column("B")


@pytest.mark.parametrize("line,message", [
    ("title", "expected FIELD=EXPRESSION"),
    ('meta.a.b="X"', "expected FIELD, meta.NAME"),
    ("options.header_row='zero'", "expected a whole number"),
    ("options.unique_id='maybe'", "expected true or false"),
    ("options.kind='badges'", "credentials or postings"),
    ("options.heder_row='2'", "did you mean 'header_row'"),
    ('options.sheet="Sheet1"', "expected a 'constant'"),
])
def test_entry_errors(line, message):
    with pytest.raises(InputError, match="--map option 1") as info:
        parse_mapping([line])
    assert message in str(info.value)


TOML = """\
# a saved mapping
[options]
kind = "credentials"
missing = ["ERROR"]
sheet = "Programs"

[fields]
title = '"Program Name"'
cost = '"Tuition" + "Books"'

[meta]
weeks = 'number("Length:\\nWeeks")'

[values.type]
"Associates Degree" = "degree"
"""


def test_a_toml_mapping_file(tmp_path):
    path = tmp_path / "programs.toml"
    path.write_text(TOML, encoding="utf-8")
    m = load_mapping(path)
    assert m.fields["cost"].expr == Sum((Column("Tuition"), Column("Books")))
    assert m.meta["weeks"].expr == Call("number", Column("Length:\nWeeks"))
    assert m.options.sheet == "Programs" and m.options.missing == ("ERROR",)
    assert m.values["type"] == {"associates degree": "degree"}
    assert m.fields["cost"].where == f"{path} line 9 ([fields] cost)"


def test_a_toml_file_error_names_its_line_and_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(TOML.replace('"Tuition" + "Books"', '"Tuition" +'), encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.toml line 9 \(\[fields\] cost\).*at the end"):
        load_mapping(path)


def test_a_file_that_is_not_toml_or_has_unknown_tables(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[fields\ntitle = 1", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid mapping file"):
        load_mapping(path)
    path.write_text("[columns]\ntitle = '\"A\"'\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown table"):
        load_mapping(path)
    path.write_text("[fields]\ntitle = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected an expression in quotes"):
        load_mapping(path)


def test_the_same_structure_as_json(tmp_path):
    path = tmp_path / "programs.json"
    path.write_text(json.dumps({"fields": {"title": '"Program Name"'},
                                "options": {"unique_id": False}}), encoding="utf-8")
    m = load_mapping(path)
    assert m.fields["title"].expr == Column("Program Name") and not m.options.unique_id


def test_command_line_entries_on_top_of_a_file(tmp_path):
    path = tmp_path / "programs.toml"
    path.write_text(TOML, encoding="utf-8")
    m = load_mapping(path).combined(parse_mapping(['title="Name"', "options.header_row='2'"]))
    assert m.fields["title"].expr == Column("Name") and "cost" in m.fields
    assert m.options.header_row == 2 and m.options.sheet == "Programs"


# ------------------------------------------------------------------------ binding

HEADER = ["Program ID", "Program Name", " Required Cost:\nTuition & Fees ", "Books",
          "Length:\nContact Hours", "Length:\nWeeks", "O*NET 1", "O*NET 2", "Type",
          "Delivery", "State", "City", "Description", "Credential"]


def bind(*lines, header=HEADER, kind="credentials"):
    return BoundMapping.bind(parse_mapping(list(lines)), header, kind, "programs.csv")


def test_headers_match_ignoring_spacing_line_breaks_then_case():
    b = bind('title="Program Name"', 'cost="Required Cost: Tuition & Fees"',
             r'hours="Length:\nContact Hours"', 'meta.weeks=number("length: weeks")')
    assert b.index == {"Program Name": 1, "Required Cost: Tuition & Fees": 2,
                       "Length:\nContact Hours": 4, "length: weeks": 5}


def test_an_unknown_column_lists_the_columns_and_suggests_the_nearest():
    with pytest.raises(InputError) as info:
        bind('title="Progam Name"')
    text = str(info.value)
    assert "--map option 1" in text and 'no column "Progam Name" in programs.csv' in text
    assert 'did you mean "Program Name"?' in text
    assert 'Its columns: "Program ID", "Program Name", " Required Cost:\\nTuition' in text


def test_a_name_matching_two_headers_once_spacing_is_ignored_is_an_error():
    with pytest.raises(InputError, match="write the header exactly"):
        bind('title="a b"', header=["a  b", "a\nb"])


def test_unknown_field_suggests_the_nearest():
    with pytest.raises(InputError, match="credentials have no field 'titel'.*did you mean "
                                         "'title'"):
        bind('titel="Program Name"')


def test_sums_only_of_numbers_and_lists_only_in_list_fields():
    with pytest.raises(InputError, match="'\\+' adds numbers.*join texts with '~'"):
        bind('title="Program Name" + "Credential"')
    with pytest.raises(InputError, match="'\\|' makes a list"):
        bind('title="Program Name" | "Credential"')
    with pytest.raises(InputError, match="'\\|' makes a list"):
        bind('title="Program Name"', 'occupation_codes=("O*NET 1" | "O*NET 2") ~ "City"')


def test_the_mapping_needs_a_title_and_a_matching_kind():
    with pytest.raises(InputError, match="gives no title"):
        bind('id="Program ID"')
    with pytest.raises(InputError, match="for postings, not credentials"):
        bind('title="Program Name"', "options.kind='postings'")
    with pytest.raises(InputError, match="values for 'colour'"):
        bind('title="Program Name"', "values.colour.\"Red\"='red'")
    with pytest.raises(InputError, match="values.type reads 'diploma' as 'diplomas', which "
                                         "is not one of badge, certificate"):
        bind('title="Program Name"', "values.type.\"Diploma\"='diplomas'")


# ---------------------------------------------------------------------- applying

ROW = ["1001", "Welding Technology", "$8,830", "", "2-3 hours per week, 6 weeks", "16",
       "51412106", "17302700.0", "Associates Degree", "Distance Education", "TX",
       "Houston", "Arc welding and blueprints.", "AAS Welding"]


def apply(*lines, row=ROW, notes=None):
    return bind('title="Program Name"', *lines).apply(row, notes or Notes())


def test_sum_skips_empty_cells_and_all_empty_is_unknown():
    fields, meta = apply('cost="Required Cost: Tuition & Fees" + "Books"')
    assert fields["cost"] == 8830.0 and "cost_text" not in meta
    fields, _ = apply('cost="Books" + "Books"')
    assert fields["cost"] is None


def test_sum_of_ranges_keeps_both_ends():
    row = [*ROW[:2], "$500 - $750", "75", *ROW[4:]]
    fields, meta = apply('cost="Required Cost: Tuition & Fees" + "Books"', row=row)
    assert fields["cost"] == 575.0 and meta["cost_range"] == [575.0, 825.0]


def test_cost_details_go_to_meta():
    row = [*ROW[:2], "FREE-Add a Verified Certificate for $199", *ROW[3:]]
    fields, meta = apply('cost="Required Cost: Tuition & Fees"', row=row)
    assert fields["cost"] == 199.0 and meta["cost_free_audit"] is True
    assert meta["cost_text"] == "FREE-Add a Verified Certificate for $199"


def test_hours_details_go_to_meta():
    fields, meta = apply('hours="Length: Contact Hours"')
    assert fields["hours"] == 12.0 and meta["hours_range"] == [12.0, 18.0]
    assert meta["hours_weeks"] == 6.0 and meta["hours_rule"] == "hours per week x weeks"


def test_join_uses_the_fields_separator_and_skips_empty_parts():
    fields, _ = apply('description="Description" ~ "Books" ~ "Credential"',
                      'region="State" ~ "City"', "id='twc' ~ \"Program ID\"",
                      "provider=join(' / ', \"City\", \"State\")")
    assert fields["description"] == "Arc welding and blueprints.\nAAS Welding"
    assert fields["region"] == "TX-Houston" and fields["id"] == "twc:1001"
    assert fields["provider"] == "Houston / TX"


def test_a_join_of_empty_columns_is_empty_whatever_constants_it_holds():
    fields, _ = apply("id='twc' ~ \"Books\"")
    assert fields["id"] is None


def test_a_constant_applied():
    fields, _ = apply("type='certificate'", "region='TX'")
    assert fields["type"] == "certificate" and fields["region"] == "TX"


def test_lists_of_codes_read_numbers_as_codes_and_drop_empty_cells():
    fields, _ = apply('occupation_codes="O*NET 1" | "O*NET 2" | "Books"')
    assert fields["occupation_codes"] == ["51-4121.06", "17-3027.00"]


def test_a_cell_holding_several_values_is_split():
    row = [*ROW[:6], "15-1252.00, 15-1253.00", *ROW[7:]]
    fields, _ = apply('occupation_codes="O*NET 1"', row=row)
    assert fields["occupation_codes"] == ["15-1252.00", "15-1253.00"]
    row = [*ROW[:12], "Welding; Blueprint reading\nSafety", *ROW[13:]]
    fields, _ = apply('skills="Description"', row=row)
    assert fields["skills"] == ["Welding", "Blueprint reading", "Safety"]


def test_values_table_then_type_other_keeps_the_original():
    notes = Notes()
    fields, meta = apply('type="Type"', "values.type.\"associates  DEGREE\"='degree'",
                         notes=notes)
    assert fields["type"] == "degree" and "original_type" not in meta
    fields, meta = apply('type="Type"', notes=notes)
    assert fields["type"] == "other" and meta["original_type"] == "Associates Degree"
    assert notes.counts["type other"] == 1


def test_delivery_synonyms_and_an_unrecognised_one():
    fields, _ = apply('delivery="Delivery"')
    assert fields["delivery"] == "online"
    row = [*ROW[:9], "Correspondence", *ROW[10:]]
    notes = Notes()
    fields, meta = apply('delivery="Delivery"', row=row, notes=notes)
    assert fields["delivery"] == "" and meta["original_delivery"] == "Correspondence"
    assert sum(notes.counts.values()) == 1


def test_functions_in_meta_and_meta_lists():
    fields, meta = apply('meta.weeks=number("Length: Weeks")', 'meta.codes=onet("O*NET 1" | '
                         '"O*NET 2")', 'meta.place="City" ~ "State"')
    assert meta["weeks"] == 16.0 and meta["codes"] == ["51-4121.06", "17-3027.00"]
    assert meta["place"] == "Houston, TX"


def test_a_bad_value_raises_a_field_error_naming_field_columns_and_value():
    row = [*ROW[:2], "call for pricing", *ROW[3:]]
    with pytest.raises(FieldError) as info:
        apply('cost="Required Cost: Tuition & Fees" + "Books"', row=row)
    err = info.value
    assert err.field == "cost" and err.columns == ("Required Cost: Tuition & Fees",)
    assert "'call for pricing' is not a cost" in err.reason
    assert 'column "Required Cost: Tuition & Fees"' in err.reason


def test_a_malformed_duration_raises_a_field_error():
    row = [*ROW[:4], "about a month", *ROW[5:]]
    with pytest.raises(FieldError, match="'about a month' is not a duration") as info:
        apply('hours="Length: Contact Hours"', row=row)
    assert info.value.field == "hours"


def test_missing_markers_read_as_empty_counted_once_per_row_and_column():
    row = [*ROW[:4], "ERROR", *ROW[5:]]
    notes = Notes()
    fields, meta = apply('hours="Length: Contact Hours"', "options.missing='error'",
                         'meta.hours_text="Length: Contact Hours"', row=row, notes=notes)
    assert fields["hours"] is None and "hours_text" not in meta
    assert notes.counts == {"\"Length: Contact Hours\": 'ERROR' read as empty": 1}


def test_repair_text_option():
    row = [*ROW[:12], "Weld â€¢ cut    grind", *ROW[13:]]
    fields, _ = apply('description="Description"', "options.repair_text='true'", row=row)
    assert fields["description"] == "Weld • cut\ngrind"


def test_short_rows_read_missing_cells_as_empty():
    fields, _ = apply('description="Credential"', row=ROW[:3])
    assert fields["description"] is None


# ------------------------------------------------------------ property-based checks

_PIECES = st.sampled_from(['"A"', '"Program Name"', "'x'", "+", "|", "~", "(", ")", ",",
                           "cost(", "join(", "onet(", '"', "'", "\\", "\n", " ", "=", ".",
                           "meta.", "values.type.", "options.", "title", "*"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_any_option_text_parses_or_raises_input_error(text):
    try:
        parse_mapping([text, f"title={text}"])
    except InputError as exc:
        assert str(exc).startswith("--map option")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 10**8),
                          st.floats(allow_nan=False)), min_size=0, max_size=len(HEADER)))
def test_any_row_applies_or_raises_field_error(row):
    b = bind('title="Program Name"', 'cost="Required Cost: Tuition & Fees" + "Books"',
             'hours="Length: Contact Hours"', 'occupation_codes="O*NET 1" | "O*NET 2"',
             'type="Type"', 'delivery="Delivery"', 'region="State" ~ "City"',
             'meta.weeks=weeks("Length: Weeks")')
    try:
        fields, _ = b.apply(row, Notes())
    except FieldError as exc:
        assert exc.field in {"cost", "hours", "occupation_codes", "weeks"}
    else:
        assert fields["cost"] is None or fields["cost"] >= 0
