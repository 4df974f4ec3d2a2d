from hypothesis import given
from hypothesis import strategies as st

from trivsel.survey.rates import Rate, roll_up


def test_roll_up_by_hand() -> None:
    paths = {1: "1/", 2: "1/2/", 3: "1/2/3/", 4: "1/4/"}
    own = {2: (10, 4), 3: (5, 5), 4: (8, 2)}
    rates = roll_up(paths, own)
    assert rates[1] == (Rate(0, 0), Rate(23, 11))
    assert rates[2] == (Rate(10, 4), Rate(15, 9))
    assert rates[3] == (Rate(5, 5), Rate(5, 5))
    assert rates[2][1].percent == 60
    assert Rate(0, 0).percent is None


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=20))
def test_root_holds_everything_in_a_chain(counts: list[tuple[int, int]]) -> None:
    paths, prefix = {}, ""
    for unit_id in range(1, len(counts) + 1):
        prefix += f"{unit_id}/"
        paths[unit_id] = prefix
    own = {i + 1: (invited, min(answered, invited)) for i, (invited, answered) in enumerate(counts)}
    rates = roll_up(paths, own)
    assert rates[1][1].invited == sum(invited for invited, _ in own.values())
    assert rates[1][1].answered == sum(answered for _, answered in own.values())
