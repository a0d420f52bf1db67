import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop.store.demo import bulk_summaries
from desktop.store.search import ClientIndex, ClientSummary

CLIENTS = [
    ClientSummary(1, "José Álvarez", "Pepe Alvarez", dt.date(1990, 5, 1), "A1234567"),
    ClientSummary(2, "Amina Yusuf", "", dt.date(1985, 12, 31), "Y7654321"),
    ClientSummary(3, "Amir Yusufzai", "Amir Y.", None, ""),
]


def test_search_by_name_is_case_and_accent_blind():
    index = ClientIndex(CLIENTS)
    assert index.search("jose") == [1]
    assert index.search("ÁLVAREZ") == [1]


def test_search_by_other_names():
    assert ClientIndex(CLIENTS).search("pepe") == [1]


def test_search_by_date_of_birth_in_iso_or_uk_form():
    index = ClientIndex(CLIENTS)
    assert index.search("1990-05-01") == [1]
    assert index.search("31/12/1985") == [2]


def test_search_by_home_office_reference():
    assert ClientIndex(CLIENTS).search("y7654") == [2]


def test_every_word_must_match_and_results_are_in_name_order():
    index = ClientIndex(CLIENTS)
    assert index.search("yusuf") == [2, 3]
    assert index.search("yusuf amir") == [3]
    assert index.search("") == [2, 3, 1]  # Amina, Amir, José


def test_upsert_and_remove_keep_the_index_current():
    index = ClientIndex(CLIENTS)
    index.upsert(ClientSummary(2, "Amina Renamed", "", None, ""))
    assert index.search("yusuf") == [3]
    index.remove(3)
    assert index.search("am") == [2]
    assert len(index) == 2


@given(
    st.text(alphabet="aeimnorstxy 0123456789/-", max_size=6),
    st.text(alphabet="aeimnorstxy 0123456789/-", max_size=3),
)
def test_refining_within_previous_results_equals_a_fresh_search(prefix, extra):
    index = ClientIndex(bulk_summaries(300, seed=7))
    previous = index.search(prefix)
    assert index.search(prefix + extra, within=previous) == index.search(prefix + extra)
