"""Hypothesis strategies shared by the xmlfast tests."""
import datetime
import decimal

from hypothesis import strategies as st

# Text that is valid in XML 1.0 content (no C0 controls but tab/LF/CR, no
# surrogates), with the XML special characters and non-ASCII well represented.
xml_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("&<>\"' \t\n\r;#x:-_.0123456789aZé€"),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff"),
    ),
    max_size=20,
)

tag_name = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_.-]{0,10}\Z").filter(lambda s: not s.lower().startswith("xml"))

naive_datetimes = st.datetimes(min_value=datetime.datetime(1000, 1, 1))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=True, places=None),
    st.decimals(places=2, min_value=-10**6, max_value=10**6),
    naive_datetimes,
    st.datetimes(timezones=st.just(datetime.timezone.utc)),
    st.dates(),
    st.times(),
    xml_text,
)


def trees(leaves=scalars, keys=tag_name):
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.lists(children, max_size=3).map(tuple),
            st.dictionaries(keys, children, max_size=4),
        ),
        max_leaves=25,
    )


# Leaf texts that exercise the DRF parser's datetime / int / Decimal tries.
date_like = st.builds(
    lambda y, sep1, mo, sep2, d, sp, h, mi, s, tail: "%s%s%s%s%s%s%s:%s:%s%s" % (y, sep1, mo, sep2, d, sp, h, mi, s, tail),
    st.sampled_from(["2011", "0000", "1999", "9999", "201", "20111"]),
    st.sampled_from(["-", "/"]),
    st.sampled_from(["1", "01", "12", "13", "0", "00", "9"]),
    st.sampled_from(["-", ""]),
    st.sampled_from(["1", "01", " 1", "29", "30", "31", "32", "0", "3", "10"]),
    st.sampled_from([" ", "  ", "\t", "\n", "", "T"]),
    st.sampled_from(["0", "00", "23", "24", "9", "19", "2"]),
    st.sampled_from(["0", "00", "59", "60", "5"]),
    st.sampled_from(["0", "00", "59", "60", "61", "62", "5", "001"]),
    st.sampled_from(["", " ", "1", "Z", ".5"]),
)
number_like = st.text(alphabet="0123456789+-._eEinfatyNIFsS \t\n", max_size=12)
leaf_texts = st.one_of(date_like, number_like, xml_text, st.integers().map(str),
                       st.decimals(allow_nan=True).map(str), st.text(alphabet="١٢３ \u00a0\u20031_-.", max_size=6))
