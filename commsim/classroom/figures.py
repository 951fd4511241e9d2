"""The classroom app's figures: a picture of the group and its live lifecycle plots.

Both figures are built once per browser session and then only updated (new data on the
same artists), so a redraw costs one PNG encoding, not a new figure. They use
``matplotlib.figure.Figure`` directly (no pyplot state shared between sessions) and the
fonts that ship with matplotlib, so nothing is downloaded.

The picture places people on fixed slots of a sunflower spiral (no random draw, so the
same person stays in the same place at every redraw and in every session): a group's
``k``-th member, in order of joining, sits at radius ``sqrt(k + 1/2)`` and angle ``k``
times the golden angle. Founders are in the middle, newcomers on the rim; an emptying
centre is the group losing its first, most valuable members. Only current members and
people who left in the last ``RECENT_DAYS`` days are drawn.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from commsim.analysis import STAGES, stages_so_far
from commsim.classroom.model import ClassroomModel
from commsim.population import CONTRIBUTOR, KOL, LEFT, LURKER, SPAMMER

RECENT_DAYS = 14
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
GROUP_GAP = 3.0  # space between two groups' discs, in slot units

STATE_COLOURS = {
    CONTRIBUTOR: "#e07a1f",  # orange: posted today
    LURKER: "#6f9fd8",  # blue: read only
    LEFT: "#b0b0b0",  # grey: left recently
}
SPAMMER_COLOUR = "#c0182a"


def spiral_slots(count: int) -> np.ndarray:
    """``count`` (x, y) positions on a sunflower spiral, evenly spread (area pi each).

    Slot ``k`` is at radius ``sqrt(k + 1/2)`` and angle ``k * golden angle``.
    """
    k = np.arange(count)
    radius = np.sqrt(k + 0.5)
    angle = k * GOLDEN_ANGLE
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def marker_size(value: np.ndarray) -> np.ndarray:
    """Marker area in points^2: ``8 + 70 * value`` (bigger dot, more valuable member)."""
    return 8.0 + 70.0 * value


class GroupPicture:
    """A picture of every group: members coloured by contributor / lurker / left.

    KOLs are stars with a black edge, spammers red crosses; the dot's size is the
    member's value. Call ``update(model)`` after each step, then save ``figure``.
    """

    def __init__(self, population: int, figsize=(5.2, 5.0), dpi: int = 80) -> None:
        self.slots = spiral_slots(population)
        # fixed margins: a layout engine would re-measure every text at every redraw
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.axes = self.figure.add_axes((0.01, 0.13, 0.98, 0.81))
        self.axes.set_aspect("equal")
        self.axes.set_xticks([])
        self.axes.set_yticks([])
        for spine in self.axes.spines.values():
            spine.set_visible(False)
        empty = np.empty((0, 2))
        self.regular = self.axes.scatter(empty[:, 0], empty[:, 1], linewidths=0.6)
        self.kols = self.axes.scatter(
            empty[:, 0], empty[:, 1], marker="*", edgecolors="black", linewidths=0.8, zorder=3
        )
        self.spammers = self.axes.scatter(
            empty[:, 0], empty[:, 1], marker="X", color=SPAMMER_COLOUR, zorder=3
        )
        self.title = self.axes.set_title("", fontsize=10)
        self.labels: list = []
        self.axes.legend(
            handles=[
                _legend_dot(STATE_COLOURS[CONTRIBUTOR], "contributor (posted today)"),
                _legend_dot(STATE_COLOURS[LURKER], "lurker (read only)"),
                _legend_dot("white", f"left in the last {RECENT_DAYS} days", STATE_COLOURS[LEFT]),
                Line2D([], [], marker="*", ls="", color="white", mec="black", ms=11, label="KOL"),
                Line2D([], [], marker="X", ls="", color=SPAMMER_COLOUR, ms=8, label="spammer"),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncol=3,
            fontsize=8,
            frameon=False,
        )

    def positions(self, model: ClassroomModel) -> tuple[np.ndarray, np.ndarray]:
        """People to draw (members and recent leavers) and their (x, y) positions.

        Within each group, people ever in it are ranked by (joining day, index) and take
        the spiral slot of their rank. Groups stand in a grid of ``ceil(sqrt(groups))``
        columns, row by row from the top left, in cells as wide as the biggest disc. The
        first group's centre is fixed at (0, 0), so while there is one group nobody
        moves; when there are several, the cells widen as the biggest group grows.
        """
        pop = model.population
        seen = np.flatnonzero(model.last_group >= 0)
        group = model.last_group[seen]
        order = np.lexsort((seen, pop.joined_day[seen], group))
        seen, group = seen[order], group[order]
        starts = np.searchsorted(group, np.arange(model.n_groups))
        rank = np.arange(seen.size) - starts[group]
        counts = np.bincount(group, minlength=model.n_groups)
        radius = np.sqrt(np.maximum(counts, 1) + 0.5)
        columns = math.ceil(math.sqrt(model.n_groups))
        cell = 2.0 * radius.max() + GROUP_GAP
        index = np.arange(model.n_groups)
        centre = np.column_stack([(index % columns) * cell, -(index // columns) * cell])
        xy = self.slots[rank] + centre[group]
        recent = pop.left_day[seen] >= model.day - RECENT_DAYS
        shown = (pop.group[seen] >= 0) | ((pop.state[seen] == LEFT) & recent)
        self._centres, self._radii = centre, radius
        return seen[shown], xy[shown]

    def update(self, model: ClassroomModel) -> Figure:
        """Redraw for the model's current day; returns the figure."""
        pop = model.population
        people, xy = self.positions(model)
        state, role = pop.state[people], pop.role[people]
        colours = np.array([STATE_COLOURS.get(int(s), "#000000") for s in range(4)])[state]
        left = state == LEFT
        face = np.where(left, "white", colours)
        sizes = marker_size(pop.value[people])
        for artist, mask in (
            (self.regular, (role != KOL) & (role != SPAMMER)),
            (self.kols, role == KOL),
        ):
            artist.set_offsets(xy[mask])
            artist.set_sizes(sizes[mask] * (3.0 if artist is self.kols else 1.0))
            artist.set_facecolors(face[mask])
            if artist is self.regular:
                artist.set_edgecolors(colours[mask])
        spam = role == SPAMMER
        self.spammers.set_offsets(xy[spam])
        self.spammers.set_sizes(np.full(int(spam.sum()), 30.0))
        self.spammers.set_alpha(None)

        # a grid of discs, the first centred on (0, 0) (see ``positions``)
        reach = float(self._radii.max()) + 0.5
        x, y = self._centres[:, 0], self._centres[:, 1]
        self.axes.set_xlim(x.min() - reach, x.max() + reach)
        self.axes.set_ylim(y.min() - reach, y.max() + reach + (1.0 if model.n_groups > 1 else 0))
        for label in self.labels:
            label.remove()
        self.labels = []
        if model.n_groups > 1:
            sizes_now = model.group_sizes()
            reach = float(self._radii.max())
            for g, (cx, cy) in enumerate(self._centres):
                self.labels.append(
                    self.axes.text(cx, cy + reach + 0.2, f"group {g + 1}: {sizes_now[g]}",
                                   ha="center", va="bottom", fontsize=7)
                )  # fmt: skip
        members = int((pop.group >= 0).sum())
        self.title.set_text(f"Day {model.day}: {members} members (dot size = value)")
        return self.figure


def _legend_dot(face: str, label: str, edge: str | None = None) -> Line2D:
    return Line2D([], [], marker="o", ls="", color=face, mec=edge or face, ms=7, label=label)


class LifecyclePlots:
    """Four live plots: members, messages, value of members, and the lifecycle stage.

    Call ``update(df)`` with the model's DataFrame (one row a day), then save ``figure``.
    """

    def __init__(self, figsize=(7.0, 5.0), dpi: int = 80) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi)
        axes = self.figure.subplots(2, 2, sharex=True)
        self.figure.subplots_adjust(
            left=0.09, right=0.99, bottom=0.09, top=0.95, wspace=0.25, hspace=0.18
        )
        (self.people, self.talk), (self.value, self.stage) = axes
        self.lines = {
            "members": self.people.plot([], [], label="members", color="#333333")[0],
            "contributors": self.people.plot([], [], label="contributors",
                                             color=STATE_COLOURS[CONTRIBUTOR])[0],
            "lurkers": self.people.plot([], [], label="lurkers", color=STATE_COLOURS[LURKER])[0],
            "messages": self.talk.plot([], [], label="messages", color="#2a6f97")[0],
            "spam_messages": self.talk.plot([], [], label="spam", color=SPAMMER_COLOUR)[0],
            "mean_value": self.value.plot([], [], label="members' mean value", color="#333333")[0],
            "joiner_value": self.value.plot([], [], label="joiners' (14-day mean)",
                                            color="#2a9d8f")[0],
            "leaver_value": self.value.plot([], [], label="leavers' (14-day mean)",
                                            color="#9b2226")[0],
            "stage": self.stage.plot([], [], drawstyle="steps-post", color="#6a4c93",
                                     label="stage")[0],
        }  # fmt: skip
        self.people.set_title("Members", fontsize=10)
        self.people.set_ylabel("people")
        self.talk.set_title("Messages per day", fontsize=10)
        self.talk.set_ylabel("messages / day")
        self.value.set_title("Value (evaporative cooling)", fontsize=10)
        self.value.set_ylabel("value (0-1)")
        self.value.set_ylim(0, 1)
        self.stage.set_title("Lifecycle stage", fontsize=10)
        self.stage.set_yticks(
            range(len(STAGES)), [s.replace(" ", "\n") for s in STAGES], fontsize=7
        )
        self.stage.set_ylim(-0.5, len(STAGES) - 0.5)
        for ax in (self.value, self.stage):
            ax.set_xlabel("day")
        for ax in (self.people, self.talk, self.value):
            ax.legend(fontsize=7, loc="upper right")
        for ax in axes.flat:
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)

    def update(self, df: pd.DataFrame) -> Figure:
        """Redraw with the days in ``df``; returns the figure."""
        days = df.index.to_numpy()
        smooth = df[["joiner_value", "leaver_value"]].rolling(14, min_periods=1).mean()
        series = {
            "members": df["members"], "contributors": df["contributors"],
            "lurkers": df["lurkers"], "messages": df["messages"],
            "spam_messages": df["spam_messages"], "mean_value": df["mean_value"],
            "joiner_value": smooth["joiner_value"], "leaver_value": smooth["leaver_value"],
            "stage": stages_so_far(df).cat.codes,
        }  # fmt: skip
        for name, values in series.items():
            self.lines[name].set_data(days, values.to_numpy(dtype=float))
        right = max(float(days[-1]), 10.0) if days.size else 10.0
        self.people.set_xlim(0, right)
        # members bound contributors and lurkers, messages bound spam
        for ax, name in ((self.people, "members"), (self.talk, "messages")):
            top = float(series[name].max()) if days.size else 0.0
            ax.set_ylim(0, max(top * 1.08, 1.0))
        return self.figure
