"""workflow/todo.py: which starter draft a finding on the whole repository waits for."""

import itertools

from cms_build.standard import load_catalogue
from cms_build.workflow.todo import _Covered, _related


def test_covered_by_set_lookups_answers_as_the_pairwise_test():
    # every clause number of the standard, with list items ("6.1.2 a", as record_clauses may
    # give), and near misses a string prefix would confuse (6.1 is not a parent of 6.10)
    numbers = sorted({c.number for c in load_catalogue()})
    covers = [n for n in numbers[::7]] + [f"{n} a" for n in numbers[3::11]] + ["6.1", "A.6"]
    asked = numbers + ["6.10", "6.1.2.9", "A", "A.6.5.2.4.1", "", "7"]
    assert "6.10" not in numbers and "6.1" in numbers
    for size in (1, 3, len(covers)):
        for chosen in itertools.islice(itertools.combinations(covers, size), 40):
            covered = _Covered(list(chosen))
            for n in asked:
                pairwise = any(_related(n, c) for c in chosen if n and c)
                assert covered.related(n) == pairwise, (n, chosen)


def test_a_sub_clause_and_a_parent_are_related_but_not_a_sibling_nor_a_longer_number():
    covered = _Covered(["6.4.2", "9.3 a"])
    assert covered.related("6.4.2") and covered.related("6.4") and covered.related("6") and covered.related("6.4.2.1")
    # a clause with its item is compared as written, as _related does: "9.3 a" is below 9, not 9.3
    assert covered.related("9") and not covered.related("9.3")
    assert not covered.related("6.4.1") and not covered.related("6.4.20") and not covered.related("6.41") and not covered.related("")
