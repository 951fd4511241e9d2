"""Checks of ``CommunityModel``'s arguments that are not parameters: ``rng``, ``network``
and ``strategies``, and the rules that tie strategies to the parameters.

Each check raises ``ValueError`` naming the argument, what it was given and what is
allowed, before anything is built.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np

from commsim.parameter_kinds import shown
from commsim.strategies.base import Strategy


def check_arguments(
    rng: Any,
    network: Any,
    strategies: Any,
    params: Mapping[str, Any],
    added: Iterable[Strategy] = (),
) -> tuple[Any, list[Strategy]]:
    """Every check of this module on ``CommunityModel``'s arguments (``params`` already
    checked); returns ``rng`` as Mesa takes it and ``strategies`` as a list followed by
    ``added`` (the strategies of flat keywords)."""
    rng = check_rng(rng)
    check_network(network, params["population"])
    checked = check_strategies(strategies) + list(added)
    check_strategies_together(checked, params)
    return rng, checked


def check_rng(rng: Any) -> Any:
    """``rng`` is what ``numpy.random.default_rng`` takes as a seed: None, an integer
    >= 0 (not a boolean), a sequence of them, a ``SeedSequence``, a ``BitGenerator`` or a
    ``Generator``. Returns it, a numpy integer as a Python int (Mesa also seeds Python's
    ``random`` with it, which takes no numpy integers)."""
    allowed = (
        "expected None, an integer >= 0 (e.g. rng=42), a numpy SeedSequence, BitGenerator "
        "or Generator"
    )
    if isinstance(rng, (bool, np.bool_, float, np.floating, str, bytes)):
        raise ValueError(f"rng={shown(rng)}: {allowed}")
    if isinstance(rng, (np.random.Generator, np.random.BitGenerator, np.random.SeedSequence)):
        return rng
    if isinstance(rng, np.integer):
        rng = int(rng)
    try:
        np.random.SeedSequence(rng)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"rng={shown(rng)}: {allowed}") from None
    if rng is not None and not isinstance(rng, int):
        raise ValueError(f"rng={shown(rng)}: {allowed}")  # Mesa seeds random with it too
    return rng


def check_network(network: Any, population: int) -> None:
    """``network`` is None or an undirected simple ``networkx.Graph`` with at least
    ``population`` nodes (friendships are mutual: a directed graph is refused rather than
    silently made undirected)."""
    if network is None:
        return
    if isinstance(network, np.ndarray) or hasattr(network, "tocsr"):
        raise ValueError(
            f"network={type(network).__name__} {getattr(network, 'shape', '')}: expected a "
            "networkx.Graph; build one from an adjacency matrix with "
            "networkx.from_numpy_array or networkx.from_scipy_sparse_array"
        )
    if not isinstance(network, nx.Graph):
        raise ValueError(f"network={shown(network)}: expected a networkx.Graph or None")
    if network.is_directed():
        raise ValueError(
            f"network is a directed graph ({type(network).__name__}): friendships are "
            "mutual, expected an undirected networkx.Graph (network.to_undirected())"
        )
    if network.is_multigraph():
        raise ValueError(
            f"network is a {type(network).__name__}: expected a simple networkx.Graph "
            "(one edge per pair; networkx.Graph(network) merges parallel edges)"
        )
    if network.number_of_nodes() < population:
        raise ValueError(
            f"network has {network.number_of_nodes()} nodes, fewer than "
            f"population={population}: expected a graph with at least that many nodes"
        )


def check_strategies(strategies: Any) -> list[Strategy]:
    """``strategies`` as a list of ``Strategy`` instances, or ``ValueError`` saying what
    was given instead (None, a name, one instance, a class)."""
    example = "expected a list of strategy instances, e.g. strategies=[RedPackets()], or ()"
    if strategies is None:
        raise ValueError(f"strategies=None: {example}")
    if isinstance(strategies, str):
        raise ValueError(
            f"strategies={strategies!r} is text: {example}; or use a flat keyword, e.g. "
            "red_packets=True"
        )
    if isinstance(strategies, Strategy):
        raise ValueError(
            f"strategies={strategies!r} is one strategy: give a list, "
            f"strategies=[{type(strategies).__name__}(...)]"
        )
    if isinstance(strategies, Mapping) or not isinstance(strategies, Iterable):
        raise ValueError(f"strategies={shown(strategies)}: {example}")
    checked = list(strategies)
    for strategy in checked:
        if isinstance(strategy, type) and issubclass(strategy, Strategy):
            raise ValueError(
                f"strategies: {strategy.__name__} is a class; give an instance, "
                f"{strategy.__name__}()"
            )
        if not isinstance(strategy, Strategy):
            raise ValueError(
                f"strategies: {shown(strategy)} is not a commsim strategy "
                "(expected instances of commsim.strategies.Strategy)"
            )
    return checked


def _instances(strategies: Iterable[Strategy], module: str, name: str) -> list[Strategy]:
    """The strategies that are instances of ``module.name`` (none when the module was
    never imported: no instance can exist then, and the core imports no strategy)."""
    cls = getattr(sys.modules.get(module), name, None)
    return [s for s in strategies if cls is not None and isinstance(s, cls)]


def check_strategies_together(strategies: list[Strategy], params: Mapping[str, Any]) -> None:
    """Rules between strategies and parameters:

        SizeCap.max_members >= initial_members + ceil(KOLSeeding.count / groups)

    (every group's founders, and the KOLs seeded into the groups in turn on day 1, fit
    under the cap), and the KOLs fit among the outsiders and their followers in the
    population (``count <= population - initial_members * groups``, ``followers <=
    population - 1``).
    """
    kols = _instances(strategies, "commsim.strategies.kol_seeding", "KOLSeeding")
    seeded = sum(s.count for s in kols)
    outsiders = params["population"] - params["initial_members"] * params["groups"]
    for kol in kols:
        if kol.count > outsiders:
            raise ValueError(
                f"KOLSeeding: count={kol.count} is more than the {outsiders} outsiders of "
                f"population={params['population']}: expected count <= population - "
                "initial_members * groups"
            )
        if kol.followers > params["population"] - 1:
            raise ValueError(
                f"KOLSeeding: followers={kol.followers} is more than the other people of "
                f"population={params['population']}: expected followers <= population - 1"
            )
    per_group = params["initial_members"] + math.ceil(seeded / params["groups"])
    for cap in _instances(strategies, "commsim.strategies.size_cap", "SizeCap"):
        if cap.max_members < per_group:
            raise ValueError(
                f"SizeCap: max_members={cap.max_members} is below the "
                f"{params['initial_members']} founders"
                + (f" plus {per_group - params['initial_members']} seeded KOLs" if seeded else "")
                + f" of a group: expected max_members >= {per_group}"
            )
