"""The debrief of a class session: who left or went quiet when, the cooling curve, and
where the students stood.

From the model's arrays and the session's record (``ClassSession``), read only:

* **left**: every member who left, on the day they left (``left_day``), with their value;
* **went quiet**: every member who had posted and then wrote nothing for ``QUIET_DAYS``
  days or more before the end of the session (or before leaving), on the day of their
  last post (``ClassSession.last_posted``);
* **the cooling curve**: the members' mean value, day by day (``mean_value``);
* **where the students stood**: each student's value against the group's on the day they
  joined: the share of that day's members less valuable than them
  (``value_percentile``), and what became of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from commsim.classroom.figures import DPI, FONT, STUDENT_COLOUR

QUIET_DAYS = 14
"""Days without a post after which a member who had posted counts as gone quiet."""
LEFT_COLOUR = "#9b2226"
QUIET_COLOUR = "#e9a23b"


def members_on(population, day: int) -> np.ndarray:
    """Who was a member at the end of ``day``: joined by then and not left by then."""
    joined = (population.joined_day >= 0) & (population.joined_day <= day)
    return joined & ((population.left_day < 0) | (population.left_day > day))


def value_percentile(population, value: float, day: int) -> float:
    """The share (0-100) of the members at the end of ``day`` whose value is below
    ``value``; NaN when there were none."""
    values = population.value[members_on(population, day)]
    return float(100.0 * np.mean(values < value)) if values.size else float("nan")


def departures(session) -> pd.DataFrame:
    """One row per member who left or went quiet: ``person``, ``what`` (``left`` or
    ``went quiet``), ``day`` and ``value``; students' rows carry their ``name``."""
    pop = session.model.population
    end = session.ended_day if session.ended else session.model.day
    ever = pop.joined_day >= 0
    left = ever & (pop.left_day >= 0)
    stop = np.where(left, pop.left_day, end)
    last = session.last_posted
    quiet = ever & (last >= 0) & (stop - last >= QUIET_DAYS)
    names = {s.person: s.name for s in session.students.values()}
    rows = [
        pd.DataFrame(
            {
                "person": np.flatnonzero(mask),
                "what": what,
                "day": days[mask],
                "value": pop.value[mask],
            }
        )
        for mask, what, days in ((left, "left", pop.left_day), (quiet, "went quiet", last))
    ]
    frame = pd.concat(rows, ignore_index=True)
    frame["name"] = frame["person"].map(names)
    return frame.sort_values(["day", "person"], ignore_index=True)


def students_table(session) -> list[dict[str, Any]]:
    """Each student's line of the debrief: who they were, where they stood on the day
    they joined, how much they posted, and what became of them."""
    pop = session.model.population
    rows = []
    for student in session.roster():
        joined = student["joined_day"]
        stood = None if joined is None else value_percentile(pop, student["value"], joined)
        if student["left_day"] is not None:
            fate = (
                f"{'left' if student['left_by_choice'] else 'patience ran out'} on day "
                f"{student['left_day']}"
            )
        elif student["status"] == "away":
            fate = f"went away on day {student['away_day']} (a simulated member since)"
            if pop.left_day[student["person"]] >= 0:
                fate += f"; left on day {pop.left_day[student['person']]}"
        elif joined is None:
            fate = "never joined"
        else:
            fate = "stayed"
        rows.append({**student, "stood": stood, "fate": fate})
    return rows


class DebriefFigure:
    """The debrief's two plots side by side: the cooling curve with each student's value
    over their time in the group, and who left or went quiet when (value against day),
    the students marked with their names."""

    def __init__(self, figsize=(9.9, 4.6), dpi: int = DPI) -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi)
        grid = self.figure.add_gridspec(
            1, 2, left=0.07, right=0.99, bottom=0.13, top=0.8, wspace=0.18
        )
        self.curve = self.figure.add_subplot(grid[0])
        self.exits = self.figure.add_subplot(grid[1], sharey=self.curve)

    def update(self, session) -> Figure:
        """Draw the debrief of ``session``; returns the figure."""
        df = session.model.daily()
        end = session.ended_day if session.ended else session.model.day
        df = df.loc[:end]
        for ax in (self.curve, self.exits):
            ax.clear()
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=FONT)
            ax.set_xlabel("day", fontsize=FONT)
            ax.set_xlim(-0.5, max(end, 10) + 0.5)
        self.curve.set_ylim(0, 1)
        self.curve.set_ylabel("value", fontsize=FONT)
        self.curve.plot(
            df.index, df["mean_value"], color="#333333", lw=2.2, label="members' mean value"
        )
        self.curve.set_title("The cooling curve", loc="left", fontsize=FONT + 1, fontweight="bold")
        for student in session.roster():
            if student["joined_day"] is None:
                continue
            left = int(session.model.population.left_day[student["person"]])
            until = end if left < 0 else min(left, end)  # an away student's person may leave
            self.curve.plot(
                [student["joined_day"], until],
                [student["value"]] * 2,
                color=STUDENT_COLOUR,
                lw=1.6,
                ls="--",
            )
            self.curve.annotate(
                student["name"],
                (until, student["value"]),
                fontsize=FONT,
                color=STUDENT_COLOUR,
                xytext=(3, 2),
                textcoords="offset points",
            )
        self.curve.plot([], [], color=STUDENT_COLOUR, lw=1.6, ls="--", label="a student's value")

        gone = departures(session)
        self.exits.set_title(
            "Who left or went quiet, when", loc="left", fontsize=FONT + 1, fontweight="bold"
        )
        for what, colour, marker in (("left", LEFT_COLOUR, "o"), ("went quiet", QUIET_COLOUR, "v")):
            rows = gone[gone["what"] == what]
            self.exits.scatter(
                rows["day"],
                rows["value"],
                s=22,
                color=colour,
                marker=marker,
                alpha=0.6,
                linewidths=0,
                label=f"{what} ({len(rows)})",
            )
        students = gone[gone["name"].notna()]
        self.exits.scatter(
            students["day"],
            students["value"],
            s=160,
            facecolors="none",
            edgecolors=STUDENT_COLOUR,
            linewidths=2,
            label="a student",
        )
        for row in students.itertuples():
            self.exits.annotate(
                row.name,
                (row.day, row.value),
                fontsize=FONT,
                color=STUDENT_COLOUR,
                xytext=(6, 4),
                textcoords="offset points",
            )
        for ax in (self.curve, self.exits):
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0.0, 1.07),
                ncol=2,
                fontsize=FONT,
                frameon=False,
                borderpad=0.1,
                handlelength=1.4,
                columnspacing=0.8,
            )
        return self.figure
