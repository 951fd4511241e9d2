import math

import numpy as np
import pytest

from commsim.inequality import gini, participation, top_share


def brute_force_gini(x):
    x = np.asarray(x, dtype=float)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())


@pytest.mark.parametrize(
    "values, expected",
    [([0, 0, 0, 1], 0.75), ([5, 5, 5, 5], 0.0), ([1, 3], 0.25), ([0, 0, 0, 0], 0.0)],
)
def test_gini_hand_computed(values, expected):
    assert gini(np.array(values)) == pytest.approx(expected)
    assert gini(np.array(values, dtype=float)) == pytest.approx(expected)


def test_gini_matches_definition_on_random_counts():
    rng = np.random.default_rng(0)
    for _ in range(20):
        counts = rng.poisson(rng.uniform(0.1, 20), size=rng.integers(1, 200))
        if counts.sum() == 0:
            continue
        assert gini(counts) == pytest.approx(brute_force_gini(counts))
        assert gini(counts.astype(float)) == pytest.approx(brute_force_gini(counts))


def test_gini_edge_cases():
    assert math.isnan(gini(np.array([], dtype=int)))
    with pytest.raises(ValueError, match="non-negative"):
        gini(np.array([1.0, -1.0]))


def test_top_share_hand_computed():
    values = np.array([1, 2, 3, 4, 10])
    assert top_share(values, 0.2) == pytest.approx(10 / 20)
    assert top_share(values, 0.5) == pytest.approx(17 / 20)  # ceil(2.5) = 3 largest
    assert top_share(values, 1.0) == pytest.approx(1.0)
    assert top_share(np.array([2, 2, 2, 2]), 0.25) == pytest.approx(0.25)
    assert math.isnan(top_share(np.zeros(3, dtype=int), 0.1))
    with pytest.raises(ValueError, match="fraction"):
        top_share(values, 1.5)


@pytest.mark.parametrize("dtype", [np.int64, float])
def test_participation_gives_each_measure_from_one_histogram(dtype):
    rng = np.random.default_rng(5)
    for values in [rng.poisson(3.0, 500).astype(dtype), np.zeros(7, dtype), np.array([], dtype)]:
        got = participation(values, (0.01, 0.10))
        expected = (gini(values), top_share(values, 0.01), top_share(values, 0.10))
        np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match="fraction=0"):
        participation([1, 2], (0,))
    with pytest.raises(ValueError, match="non-negative"):
        participation([1, -2])


def test_the_histogram_and_the_sort_give_the_same_measures():
    """Integer counts are summarised through their histogram, those whose largest is far
    above how many there are (and real numbers) by sorting: the same gini and top shares
    either way, to the bit (sums of whole numbers)."""
    from commsim.inequality import HISTOGRAM_SPAN

    rng = np.random.default_rng(6)
    for size in (7, 200, 1000, 3000):
        counts = (rng.pareto(1.2, size) * 10).astype(np.int64)  # many ties, a long tail
        for largest in (counts.max(), HISTOGRAM_SPAN * size):  # histogram, sort
            counts[0] = largest
            by_counts = participation(counts, (0.01, 0.10, 0.5))
            by_sorting = participation(counts.astype(float), (0.01, 0.10, 0.5))
            np.testing.assert_array_equal(by_counts, by_sorting)
            assert by_counts[0] == pytest.approx(brute_force_gini(counts), rel=1e-9)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.uint16, np.uint32, np.uint64, bool])
def test_every_integer_type_gives_the_measures_of_its_values(dtype):
    """Integers of any type go through the histogram (those that fit in int64) or the
    sort (uint64, booleans): the same measures as their values as floats."""
    values = np.random.default_rng(7).poisson(2.0, 2000).astype(dtype)
    np.testing.assert_allclose(participation(values), participation(values.astype(float)),
                               rtol=1e-12)  # fmt: skip
