"""The classroom's figures: a picture of the group and its live lifecycle plots.

Both are drawn for a projector: 96 dpi (the page shows one figure pixel per screen pixel)
and text of ``FONT`` points or more, legends outside the data. They are built once per
browser session and then only updated (new data on the same artists), so a redraw costs
one PNG encoding, not a new figure. They use ``matplotlib.figure.Figure`` directly (no
pyplot state shared between sessions) and the fonts that ship with matplotlib, so nothing
is downloaded. Colours: ``commsim.plots.STATE_COLOURS`` (members' states, the palette the
notebook panel's network uses too) and ``commsim.plots.STAGE_COLOURS``.

The picture places people on fixed slots of a sunflower spiral (no random draw, so the
same person stays in the same place at every redraw and in every session): a group's
``k``-th member, in order of joining, sits at radius ``sqrt(k + 1/2)`` and angle ``k``
times the golden angle. Founders are in the middle, newcomers on the rim; an emptying
centre is the group losing its first, most valuable members. Only current members and
people who left in the last ``RECENT_DAYS`` days are drawn. A capped group (``SizeCap``)
has a dashed ring where its cap's last slot lies, and its size against the cap above it.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from commsim.analysis import STAGES, flow_values, stages_so_far
from commsim.classroom.model import ClassroomModel, group_caps
from commsim.plots import STAGE_COLOURS, STATE_COLOURS
from commsim.population import KOL, LEFT, OUTSIDER, SPAMMER, STATE_NAMES

RECENT_DAYS = 14
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
GROUP_GAP = 3.0  # space between two groups' discs, in slot units
DPI = 96  # CSS pixels per inch: the page shows the PNG at its own size
FONT = 12  # points: 16 px at 96 dpi, the smallest text on the figures
SPAMMER_COLOUR = "#222222"  # black crosses: spammers are a role, drawn over any state
OTHER_COLOUR = "#7f7f7f"  # a state the palette has no colour for yet
STUDENT_COLOUR = "#d62728"  # red rings: the students of a class session
STATE_LABELS = {
    "contributor": "posted today",
    "lurker": "read only",
    "muted": "muted the group",
    "left": f"left (last {RECENT_DAYS} days)",
}
"""What each member state means on the picture's legend; a state the model adds shows
with its own name until it is given a line here."""
EVENT_COLOURS = ("#6a3d9a", "#b15928", "#33a02c", "#e31a1c", "#1f78b4")
FLOW_WINDOW = 14  # days in the joiners' and leavers' count-weighted means


def state_colour(state: int) -> str:
    """A member state's colour, from the shared palette ``commsim.plots.STATE_COLOURS``."""
    return STATE_COLOURS.get(STATE_NAMES[state], OTHER_COLOUR)


def spiral_slots(count: int) -> np.ndarray:
    """``count`` (x, y) positions on a sunflower spiral, evenly spread (area pi each).

    Slot ``k`` is at radius ``sqrt(k + 1/2)`` and angle ``k * golden angle``.
    """
    k = np.arange(count)
    radius = np.sqrt(k + 0.5)
    angle = k * GOLDEN_ANGLE
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def marker_size(value: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Marker area in points^2: ``scale * (10 + 80 * value)`` (bigger dot, more valuable
    member); ``scale`` shrinks the dots when many groups share the picture."""
    return scale * (10.0 + 80.0 * value)


class GroupPicture:
    """A picture of every group: members coloured by their state today (posted, read
    only, left recently; any other state the model has, such as muted, in its own colour).

    KOLs are stars with a black edge, spammers black crosses; the dot's size is the
    member's value. Call ``update(model)`` after each step, then save ``figure``.
    """

    def __init__(self, population: int, figsize=(4.25, 5.6), dpi: int = DPI,
                 students: bool = False) -> None:  # fmt: skip
        """``students``: the picture of a class session, whose students are marked."""
        self.slots = spiral_slots(population)
        # fixed margins: a layout engine would re-measure every text at every redraw
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.axes = self.figure.add_axes((0.01, 0.2, 0.98, 0.69))
        self.axes.set_aspect("equal")
        self.axes.set_xticks([])
        self.axes.set_yticks([])
        for spine in self.axes.spines.values():
            spine.set_visible(False)
        empty = np.empty((0, 2))
        self.regular = self.axes.scatter(empty[:, 0], empty[:, 1], linewidths=0.8)
        self.kols = self.axes.scatter(
            empty[:, 0], empty[:, 1], marker="*", edgecolors="black", linewidths=0.8, zorder=3
        )
        self.spammers = self.axes.scatter(
            empty[:, 0], empty[:, 1], marker="X", color=SPAMMER_COLOUR, zorder=3
        )
        self.students = self.axes.scatter(
            empty[:, 0],
            empty[:, 1],
            s=230.0,
            facecolors="none",
            edgecolors=STUDENT_COLOUR,
            linewidths=2.4,
            zorder=4,
        )
        self.student_names: list = []
        self.title = self.figure.text(0.5, 0.985, "", ha="center", va="top", fontsize=FONT + 3)
        self.labels: list = []
        self.rings: list = []
        shown = [s for s in range(len(STATE_NAMES)) if s != OUTSIDER]
        handles = [
            _legend_dot(
                "white" if s == LEFT else state_colour(s),
                STATE_LABELS.get(STATE_NAMES[s], STATE_NAMES[s]),
                state_colour(s),
            )
            for s in shown
        ]
        handles += [
            Line2D([], [], marker="*", ls="", color="white", mec="black", ms=13, label="KOL"),
            Line2D([], [], marker="X", ls="", color=SPAMMER_COLOUR, ms=9, label="spammer"),
        ]
        if students:
            handles.append(Line2D([], [], marker="o", ls="", color="none", mec=STUDENT_COLOUR,
                                  mew=2.4, ms=13, label="a student"))  # fmt: skip
        self.figure.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=2,
            fontsize=FONT,
            frameon=False,
            handletextpad=0.3,
            columnspacing=1.0,
        )
        self.figure.text(
            0.5, 0.925, "dot size = value to the group", ha="center", va="top", fontsize=FONT
        )

    def positions(self, model: ClassroomModel) -> tuple[np.ndarray, np.ndarray]:
        """People to draw (members and recent leavers) and their (x, y) positions.

        Within each group, people ever in it are ranked by (joining day, index) and take
        the spiral slot of their rank. Groups stand in a grid of ``ceil(sqrt(groups))``
        columns, row by row from the top left, in cells as wide as the biggest disc (or
        the biggest cap's ring). The first group's centre is fixed at (0, 0), so while
        there is one group nobody moves; when there are several, the cells widen as the
        biggest group grows.
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
        caps = group_caps(model)
        ring = np.sqrt(np.maximum(caps, 1) + 0.5) if caps is not None else np.zeros(1)
        columns = math.ceil(math.sqrt(model.n_groups))
        cell = 2.0 * max(radius.max(), ring.max()) + GROUP_GAP
        index = np.arange(model.n_groups)
        centre = np.column_stack([(index % columns) * cell, -(index // columns) * cell])
        xy = self.slots[rank] + centre[group]
        recent = pop.left_day[seen] >= model.day - RECENT_DAYS
        shown = pop.member_mask[seen] | ((pop.state[seen] == LEFT) & recent)
        self._centres, self._reach = centre, max(radius.max(), ring.max())
        return seen[shown], xy[shown]

    def update(self, model: ClassroomModel, students: dict[int, str] | None = None) -> Figure:
        """Redraw for the model's current day, with a ring and a name on each person of
        ``students`` (person -> name) who is drawn; returns the figure."""
        pop = model.population
        people, xy = self.positions(model)
        state, role = pop.state[people], pop.role[people]
        palette = np.array([state_colour(s) for s in range(len(STATE_NAMES))])
        colours = palette[state]
        face = np.where(state == LEFT, "white", colours)
        # dots shrink with the number of groups sharing the picture (one group: full size)
        scale = 1.0 / math.ceil(math.sqrt(model.n_groups))
        sizes = marker_size(pop.value[people], scale)
        for artist, mask, factor in (
            (self.regular, (role != KOL) & (role != SPAMMER), 1.0),
            (self.kols, role == KOL, 3.0),
        ):
            artist.set_offsets(xy[mask])
            artist.set_sizes(sizes[mask] * factor)
            artist.set_facecolors(face[mask])
            if artist is self.regular:
                artist.set_edgecolors(colours[mask])
        spam = role == SPAMMER
        self.spammers.set_offsets(xy[spam])
        self.spammers.set_sizes(np.full(int(spam.sum()), 40.0 * scale))

        # a grid of discs, the first centred on (0, 0) (see ``positions``)
        reach = float(self._reach) + 0.5
        x, y = self._centres[:, 0], self._centres[:, 1]
        several = model.n_groups > 1
        self.axes.set_xlim(x.min() - reach, x.max() + reach)
        self.axes.set_ylim(y.min() - reach, y.max() + reach + (0.35 * reach if several else 0))
        for artist in self.labels + self.rings:
            artist.remove()
        self.labels, self.rings = [], []
        caps = group_caps(model)
        sizes_now = model.group_sizes()
        for g, (cx, cy) in enumerate(self._centres):
            cap = -1 if caps is None else int(caps[g])
            if cap > 0:
                ring = Circle((cx, cy), math.sqrt(cap + 0.5), fill=False, ls="--", lw=1.0,
                              ec="#555555", zorder=0)  # fmt: skip
                self.rings.append(self.axes.add_patch(ring))
            if several or cap > 0:
                text = f"{sizes_now[g]}/{cap}" if cap > 0 else f"{sizes_now[g]}"
                self.labels.append(
                    self.axes.text(cx, cy + reach - 0.3, text, ha="center", va="bottom",
                                   fontsize=FONT, fontweight="bold")
                )  # fmt: skip
        self._mark_students(people, xy, students or {})
        members = int(pop.member_mask.sum())
        groups = f" in {model.n_groups} groups" if several else ""
        self.title.set_text(f"Day {model.day}: {members} members{groups}")
        return self.figure

    def _mark_students(self, people: np.ndarray, xy: np.ndarray, students: dict[int, str]):
        for text in self.student_names:
            text.remove()
        self.student_names = []
        marked = np.flatnonzero(np.isin(people, list(students)))
        self.students.set_offsets(xy[marked] if marked.size else np.empty((0, 2)))
        for index in marked:
            self.student_names.append(self.axes.annotate(
                students[int(people[index])], xy[index], xytext=(7, 5),
                textcoords="offset points", fontsize=FONT, fontweight="bold",
                color=STUDENT_COLOUR, zorder=5,
            ))  # fmt: skip


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (fast compression: a redraw, not an archive)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _legend_dot(face: str, label: str, edge: str | None = None) -> Line2D:
    return Line2D([], [], marker="o", ls="", color=face, mec=edge or face, ms=9, label=label)


class LifecyclePlots:
    """The live plots, one above the other on a shared day axis: the lifecycle stage (a
    coloured band), members (those who posted, read only or muted the group), messages
    (members' own apart from spam) and value (members', and the count-weighted values of
    joiners and leavers, ``analysis.flow_values``).

    Days with an event (``commsim.classroom.model.event_marks``) are marked by a vertical
    line across the plots, one colour per kind of event. Call ``update(df, marks)`` with
    ``ClassroomModel.daily()``, then save ``figure``.
    """

    def __init__(self, figsize=(5.65, 5.6), dpi: int = DPI) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi)
        grid = self.figure.add_gridspec(
            4, 1, height_ratios=(0.22, 1, 1, 1), left=0.13, right=0.98, bottom=0.09,
            top=0.93, hspace=0.42,
        )  # fmt: skip
        self.band = self.figure.add_subplot(grid[0])
        self.people = self.figure.add_subplot(grid[1], sharex=self.band)
        self.talk = self.figure.add_subplot(grid[2], sharex=self.band)
        self.value = self.figure.add_subplot(grid[3], sharex=self.band)
        self.plots = (self.people, self.talk, self.value)
        colours = {name: STATE_COLOURS[name] for name in ("contributor", "lurker", "muted")}
        self.lines = {
            "members": self.people.plot([], [], label="all", color="#333333", lw=2)[0],
            "own_contributors": self.people.plot([], [], label="posted",
                                                 color=colours["contributor"], lw=1.8)[0],
            "lurkers": self.people.plot([], [], label="read only", color=colours["lurker"],
                                        lw=1.8)[0],
            "muted": self.people.plot([], [], label="muted", color=colours["muted"],
                                      lw=1.8)[0],
            "own_messages": self.talk.plot([], [], label="members' messages", color="#2a6f97",
                                           lw=1.8)[0],
            "spam_messages": self.talk.plot([], [], label="spam", color=SPAMMER_COLOUR,
                                            lw=1.2, alpha=0.7)[0],
            "mean_value": self.value.plot([], [], label="members", color="#333333", lw=2)[0],
            "joiner_value": self.value.plot([], [], label=f"joiners {FLOW_WINDOW}d",
                                            color="#2a9d8f", lw=1.8)[0],
            "leaver_value": self.value.plot([], [], label=f"leavers {FLOW_WINDOW}d",
                                            color="#9b2226", lw=1.8)[0],
        }  # fmt: skip
        self.people.set_ylabel("people", fontsize=FONT)
        self.talk.set_ylabel("per day", fontsize=FONT)
        self.value.set_ylabel("value", fontsize=FONT)
        self.value.set_ylim(0, 1)
        self.value.set_xlabel("day", fontsize=FONT, labelpad=1)
        for ax, title in zip(self.plots, ("Members", "Messages", "Value"), strict=True):
            columns = len(ax.get_lines())  # one row of entries, right of the title
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=columns, fontsize=FONT,
                      frameon=False, borderpad=0.1, handlelength=1.2, columnspacing=0.8,
                      handletextpad=0.4)  # fmt: skip
            ax.set_title(title, loc="left", fontsize=FONT, fontweight="bold", pad=3)
            ax.grid(alpha=0.3)
        for ax in (self.band, self.people, self.talk):
            ax.tick_params(labelbottom=False)
        for ax in self.figure.axes:
            ax.tick_params(labelsize=FONT)
        self.band.set_yticks([])
        self.band.set_ylim(0, 1)
        self.band_title = self.band.set_title("", loc="left", fontsize=FONT + 1,
                                              fontweight="bold", pad=3)  # fmt: skip
        self.spans = None
        self.marks: dict[str, LineCollection] = {}
        self.marks_legend = None

    def _draw_marks(self, marks: dict[str, list[int]]) -> None:
        """One vertical line per event day, through every plot, a colour for each kind."""
        for label, days in marks.items():
            if label not in self.marks:
                colour = EVENT_COLOURS[len(self.marks) % len(EVENT_COLOURS)]
                self.marks[label] = [
                    ax.add_collection(LineCollection([], colors=colour, lw=1.3, ls=(0, (4, 2)),
                                                     transform=ax.get_xaxis_transform(),
                                                     zorder=1, label=label))
                    for ax in self.plots
                ]  # fmt: skip
                if self.marks_legend is not None:
                    self.marks_legend.remove()
                handles = [Line2D([], [], color=lines[0].get_colors()[0], lw=2, ls="--",
                                  label=name) for name, lines in self.marks.items()]  # fmt: skip
                self.marks_legend = self.figure.legend(
                    handles=handles, loc="upper right", bbox_to_anchor=(0.99, 1.0), ncol=3,
                    fontsize=FONT, frameon=False, handlelength=1.6, columnspacing=0.8,
                )  # fmt: skip
            segments = [[(d, 0.0), (d, 1.0)] for d in days]
            for collection in self.marks[label]:
                collection.set_segments(segments)

    def update(self, df: pd.DataFrame, marks: dict[str, list[int]] | None = None) -> Figure:
        """Redraw with the days in ``df`` (``ClassroomModel.daily()``) and the event days in
        ``marks`` (label -> days); returns the figure."""
        days = df.index.to_numpy()
        flows = flow_values(df, window=FLOW_WINDOW)
        series = {
            "members": df["members"], "own_contributors": df["own_contributors"],
            "lurkers": df["lurkers"], "muted": df["muted"], "own_messages": df["own_messages"],
            "spam_messages": df["spam_messages"], "mean_value": df["mean_value"],
            "joiner_value": flows["joiner_value"], "leaver_value": flows["leaver_value"],
        }  # fmt: skip
        for name, values in series.items():
            self.lines[name].set_data(days, values.to_numpy(dtype=float))
        right = max(float(days[-1]), 30.0) if days.size else 30.0
        self.band.set_xlim(-0.5, right + 0.5)
        # members bound posters and readers; messages and spam share an axis
        tops = {
            self.people: float(df["members"].max()) if days.size else 0.0,
            self.talk: float(df[["own_messages", "spam_messages"]].max().max())
            if days.size else 0.0,
        }  # fmt: skip
        for ax, top in tops.items():
            ax.set_ylim(0, max(top * 1.08, 1.0))

        stages = stages_so_far(df)
        if self.spans is not None:
            self.spans.remove()
        codes = stages.cat.codes.to_numpy()
        edges = np.flatnonzero(np.diff(codes)) + 1 if codes.size else np.array([], int)
        starts = np.concatenate([[0], edges]) if codes.size else edges
        ends = np.concatenate([edges, [codes.size]]) if codes.size else edges
        self.spans = self.band.broken_barh(
            [(s - 0.5, e - s) for s, e in zip(starts, ends, strict=True)], (0, 1),
            facecolors=[STAGE_COLOURS[STAGES[codes[s]]] for s in starts],
        )  # fmt: skip
        today = str(stages.iloc[-1]) if codes.size else ""
        self.band_title.set_text(f"Stage: {today}")
        self._draw_marks(marks or {})
        return self.figure


__all__ = ["GroupPicture", "LifecyclePlots", "RECENT_DAYS", "png", "spiral_slots", "state_colour"]
