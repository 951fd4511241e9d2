"""Plots of a model's members: participation inequality, survival and the friendship
network."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from commsim import analysis
from commsim.analysis.inequality import messages_per_person
from commsim.inequality import gini
from commsim.plots.style import STATE_COLOURS, axes
from commsim.population import KOL, LEFT, SPAMMER, STATE_NAMES


def plot_lorenz(source, members_only: bool = True, ax: Axes | None = None) -> Axes:
    """The Lorenz curve of messages per person, with the line of equality.

    Args:
        source: a ``CommunityModel``, its ``Population``, or an array of messages per
            person.
        members_only: with a model, current members only (False: all who ever joined).
        ax: the Axes to draw on.
    """
    if hasattr(getattr(source, "population", source), "contributions"):
        values = messages_per_person(source, members_only)
    else:
        values = np.asarray(source)
    people, share = analysis.lorenz_curve(values)
    ax = axes(ax, (5, 5))
    ax.plot(people, share, label=f"Lorenz curve (Gini {gini(values):.2f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="equality")
    ax.set_xlabel("share of members, least active first")
    ax.set_ylabel("share of messages")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"Participation inequality ({values.size} members)")
    ax.legend()
    return ax


def plot_survival(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Kaplan-Meier survival curves with their confidence bands, one per group.

    Args:
        table: ``analysis.member_survival`` (or ``kaplan_meier`` with a ``group`` column).
        ax: the Axes to draw on.
    """
    if "group" not in table.columns:
        table = table.assign(group="all")
    ax = axes(ax)
    for name, part in table.groupby("group", sort=True):
        (line,) = ax.step(
            part["days"],
            part["survival"],
            where="post",
            label=f"{name} ({int(part['at_risk'].iloc[0])})",
        )
        ax.fill_between(
            part["days"], part["low"], part["high"], step="post", color=line.get_color(), alpha=0.2
        )
    ax.set_xlabel("days in the group")
    ax.set_ylabel("share still in the group")
    ax.set_ylim(0, 1.02)
    ax.set_title("Member survival (Kaplan-Meier, 95% band)")
    ax.legend(title="group (members)")
    return ax


def plot_network(
    model,
    group: int | None = None,
    max_nodes: int = 300,
    seed: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """The group's people and their friends, coloured by state.

    Shows the members of ``group`` (of every group, and everyone who left, when None) and
    their friends, at most ``max_nodes`` people: members first, then leavers, then
    friends, each chosen at random with ``seed`` when there are too many. KOLs are
    drawn as stars, spammers as crosses. The layout is ``networkx.spring_layout`` with
    ``seed``, so the same model gives the same picture.

    Args:
        model: a ``CommunityModel``.
        group: the group to show; None for all.
        max_nodes: most people to draw (a spring layout of a few hundred is quick).
        seed: seed of the sampling and the layout.
        ax: the Axes to draw on.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes={max_nodes!r} is not valid: expected an integer >= 1")
    population = model.population
    if group is not None and not 0 <= group < model.n_groups:
        raise ValueError(f"group={group!r} is out of range: expected 0..{model.n_groups - 1}")
    rng = np.random.default_rng(seed)
    in_group = population.member_mask if group is None else population.group == group
    members = np.flatnonzero(in_group)
    # A leaver's group is not kept: with all groups every leaver is shown, with one group
    # only those who are friends of its members.
    leavers = np.flatnonzero(population.state == LEFT) if group is None else members[:0]
    shown = np.union1d(members, leavers)
    friends = np.setdiff1d(model.adjacency[shown].indices, shown) if shown.size else shown

    chosen: list[np.ndarray] = []
    room = max_nodes
    for people in (members, leavers, friends):
        take = min(room, people.size)
        chosen.append(np.sort(rng.choice(people, size=take, replace=False)) if take else people[:0])
        room -= take
    nodes = np.concatenate(chosen)
    graph = nx.Graph()
    graph.add_nodes_from(nodes.tolist())
    sub = model.adjacency[nodes][:, nodes].tocoo()
    graph.add_edges_from(
        (int(nodes[i]), int(nodes[j])) for i, j in zip(sub.row, sub.col, strict=True) if i < j
    )
    layout = nx.spring_layout(graph, seed=seed, iterations=40)

    ax = axes(ax, (6, 6))
    nx.draw_networkx_edges(graph, layout, ax=ax, edge_color="#cccccc", width=0.5)
    state = population.state[nodes]
    role = population.role[nodes]
    names = dict(enumerate(STATE_NAMES))
    shapes = [
        ("o", role < KOL, 40, ""),
        ("*", role == KOL, 160, ", KOL"),
        ("X", role == SPAMMER, 60, ", spammer"),
    ]
    for code, name in names.items():
        for marker, mask, size, suffix in shapes:
            picked = nodes[(state == code) & mask]
            if picked.size == 0:
                continue
            nx.draw_networkx_nodes(
                graph,
                layout,
                nodelist=picked.tolist(),
                node_color=STATE_COLOURS[name],
                node_shape=marker,
                node_size=size,
                edgecolors="#555555",
                linewidths=0.5,
                label=f"{name}{suffix} ({picked.size})",
                ax=ax,
            )
    ax.legend(loc="upper right", fontsize=8, markerscale=0.8)
    where = "all groups" if group is None else f"group {group}"
    ax.set_title(f"{where} on day {model.day}: {members.size} members ({nodes.size} shown)")
    ax.set_axis_off()
    return ax
