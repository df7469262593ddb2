"""The per-ledger, per-year surveillance table (checks/trading/conduct_scan.py)."""

from checks.trading import conduct_scan as conduct


def item(hits, checked=True):
    return {
        "clause": "B.8.2.2.1 a",
        "rules": ["r"],
        "parameters": {"p": 1},
        "data_needed": "d",
        "checked": checked,
        "why_not": None if checked else "no data",
        "note": None,
        "data": {"n": 2},
        "hits": hits,
    }


def test_every_item_has_rules_parameters_and_data():
    assert set(conduct.RULES) == set(conduct.PARAMETERS) == set(conduct.DATA) == set(conduct.ITEMS)
    assert all(conduct.RULES[i] for i in conduct.ITEMS)


def test_by_ledger_year_puts_each_hit_under_every_ledger_it_touches_in_its_year():
    both = {"rule": "r", "date": "2025-09-16", "ledgers": ["TL1", "TL2"]}
    late = {"rule": "r", "date": "2026-01-05", "ledgers": ["TL1"]}
    loose = {"rule": "r", "date": "2025-03-01", "ledgers": []}  # a declaration with no trade
    surv = {
        "items": {"a": item([both, late, loose]), "b": item([], checked=False)},
        "ledgers": {"TL1": {"years": [2025]}, "TL2": {"years": [2025]}, "TL3": {"years": [2024]}},
    }
    out = conduct.by_ledger_year(surv)
    assert list(out) == ["TL1", "TL2", "TL3", "*"]
    assert out["TL1"]["2025"]["a"]["hits"] == [both] and out["TL2"]["2025"]["a"]["hits"] == [both]
    assert out["TL1"]["2026"]["a"]["hits"] == [late]  # a year the ledger's period does not name, from its hit
    assert out["TL3"]["2024"]["a"]["hits"] == [] and out["*"]["2025"]["a"]["hits"] == [loose]
    # what was checked, on which data, with which parameters, travels with each page
    assert out["TL3"]["2024"]["b"] == {**item([], checked=False), "hits": []}
