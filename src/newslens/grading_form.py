"""Lesson 5's grading form: the widgets, their callbacks and the Admiralty grid they draw.

The lesson teaches the Admiralty scale and how to compare a grade with the course's (``compare_grades``, pandas,
in the notebook). Wiring toggle buttons, a text box, a button and an output area together, and redrawing the grid
on every press, is widget plumbing: it lives here, tested (tests/test_grading_form.py), so that the lesson's cells
stay short and the form behaves the same in the lesson, the handout and the browser test.

The form's promise to the student: the course's grade stays hidden until the student has chosen a letter, a
number and written a reason of a few words; then the grade is saved to ``my-work/admiralty_grades.csv``
(:func:`newslens.my_grades.save_grade`, which refuses an incomplete grade and writes nothing then) and the
course's grade, its two reasons and the gap are shown. Picking another claim clears the student's grade.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, cast

import ipywidgets as widgets
import pandas as pd
import PIL.Image
from IPython.display import Image, Markdown, display
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import style
from .my_grades import GradeRefused, SavedGrade, save_grade

__all__ = ["LETTERS", "GradingForm", "draw_grade_grid", "mark_grades"]

LETTERS = "ABCDEF"
_RANK = {letter: rank for rank, letter in enumerate(LETTERS, start=1)}

#: ``compare(claim_id, letter, number)``: the comparison the lesson defines (``compare_grades``), a dict with at
#: least claim_id, your_grade, course_grade, letter_steps_off, number_steps_off, source and the two reasons.
Compare = Callable[[str, str, int], dict[str, Any]]

# IPython's display helpers carry no type annotations; these are the same functions, typed.
_display = cast(Callable[[Any], None], display)
_markdown = cast(Callable[[str], Any], Markdown)
_image = cast(Callable[..., Any], Image)


def draw_grade_grid(ax: Axes, result: dict[str, Any]) -> None:
    """Draw the 6 x 6 Admiralty grid with the course's grade (blue square) and the student's (orange circle).

    The diagonal (A1, B2 ... F6) is shaded: a grade there may mean one axis was copied from the other. The
    course's square is drawn first, so ``ax.collections`` holds [course, yours].
    """
    ax.set_xlim(0.5, 6.5)
    ax.set_ylim(6.5, 0.5)  # A at the top, like the lesson's table of the scale
    for k in range(1, 7):
        ax.add_patch(Rectangle((k - 0.5, k - 0.5), 1, 1, color=style.LAND))
    course, yours = result["course_grade"], result["your_grade"]
    ax.scatter(
        int(course[1:]), _RANK[course[0]], marker="s", s=420, color=style.OKABE_ITO["blue"], label=f"course: {course}"
    )
    ax.scatter(
        int(yours[1:]),
        _RANK[yours[0]],
        marker="o",
        s=160,
        color=style.OKABE_ITO["orange"],
        edgecolors="black",  # orange alone is 1.9:1 on the grey diagonal
        label=f"yours: {yours}",
    )
    ax.set_xticks(range(1, 7))
    ax.set_yticks(range(1, 7), labels=list(LETTERS))
    ax.set_xlabel("Information credibility")
    ax.set_ylabel("Source reliability")
    ax.set_title(f"Claim {result['claim_id']}: yours {yours}, course {course}", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=9, labelspacing=1.5)


def mark_grades(ax: Axes, result: dict[str, Any]) -> None:
    """Move the markers of a grid drawn by :func:`draw_grade_grid` to ``result``'s grades; retitle and relabel it.

    The form draws its grid once and then only moves two markers, which is several times quicker than drawing a
    new grid for every press of the button.
    """
    course, yours = result["course_grade"], result["your_grade"]
    course_marker, your_marker = ax.collections[0], ax.collections[1]
    course_marker.set_offsets([[int(course[1:]), _RANK[course[0]]]])
    your_marker.set_offsets([[int(yours[1:]), _RANK[yours[0]]]])
    ax.set_title(f"Claim {result['claim_id']}: yours {yours}, course {course}", fontsize=10)
    legend = ax.get_legend()
    if legend is not None:
        legend.get_texts()[0].set_text(f"course: {course}")
        legend.get_texts()[1].set_text(f"yours: {yours}")


def _toggles(options: list[Any], description: str) -> widgets.ToggleButtons:
    return widgets.ToggleButtons(options=options, value=None, description=description, style={"button_width": "40px"})


class GradingForm:
    """The form around a claim picker: letter and number toggles, a reason box, a button and an output area.

    ``claims`` is indexed by claim_id with the columns quote_it and gloss_en; ``compare`` is the lesson's
    ``compare_grades``. :attr:`result` holds the last outcome (empty while the course's grade is hidden; a
    ``refused`` message when the grade could not be saved) and :attr:`figure` the last grid drawn ("fig"). Both
    are dicts updated in place, so a notebook may keep references to them.
    """

    def __init__(
        self,
        claim_picker: widgets.Dropdown,
        claims: pd.DataFrame,
        compare: Compare,
        save: Callable[[str, object, object, object], SavedGrade] = save_grade,
    ) -> None:
        self.claim_picker, self.claims, self.compare, self.save = claim_picker, claims, compare, save
        self.reliability_picker = _toggles(list(LETTERS), "Source")
        self.credibility_picker = _toggles(list(range(1, 7)), "Information")
        self.reason_box = widgets.Text(
            placeholder="In one line: why this letter, and why this number?",
            description="Reason",
            layout=widgets.Layout(width="95%"),
        )
        self.reveal_button = widgets.Button(
            description="Save my grade and show the course's", layout=widgets.Layout(width="auto")
        )
        self.claim_text = widgets.HTML()
        self.view = widgets.Output()
        self.result: dict[str, Any] = {}
        self.figure: dict[str, Any] = {}
        claim_picker.observe(self.show_claim, names="value")
        self.reveal_button.on_click(self.reveal)
        # The grid is drawn now, while the lesson runs, so the student's first press is as quick as the others.
        self._prepare_grid({"claim_id": "", "course_grade": "A1", "your_grade": "A1"})
        self.box = widgets.VBox(
            [
                claim_picker,
                self.claim_text,
                self.reliability_picker,
                self.credibility_picker,
                self.reason_box,
                self.reveal_button,
                self.view,
            ]
        )
        self.show_claim()

    def show_claim(self, change: object = None) -> None:
        """Show the chosen claim, clear the student's grade and hide the course's until the student has graded it."""
        row = self.claims.loc[self.claim_picker.value]
        self.claim_text.value = f"<b>IT:</b> «{row['quote_it']}»<br><b>EN:</b> {row['gloss_en']}"
        self.reliability_picker.value, self.credibility_picker.value, self.reason_box.value = None, None, ""
        self.result.clear()
        self.view.clear_output(wait=True)
        with self.view:
            _display(_markdown("Choose a letter and a number, write your reason, then press the button."))

    def reveal(self, button: object = None) -> None:
        """Save the student's grade and reason, then show the course's grade, its reasons and the gap.

        An incomplete grade is refused: nothing is saved and the course's grade stays hidden."""
        claim_id = self.claim_picker.value
        letter, number, reason = self.reliability_picker.value, self.credibility_picker.value, self.reason_box.value
        self.result.clear()
        self.view.clear_output(wait=True)
        with self.view:
            try:
                saved = self.save(claim_id, letter, number, reason)
            except GradeRefused as refusal:  # nothing saved, nothing revealed
                self.result.update({"claim_id": claim_id, "refused": str(refusal)})
                _display(_markdown(f"**Not yet.** {refusal}"))
                return
            self.result.update(self.compare(claim_id, letter, number))
            self.result.update({"your_reason": " ".join(reason.split()), "saved_to": str(saved.path)})
            _display(_image(self._grid_png(), alt=self.alt_text()))
            _display(_markdown(self.verdict(saved)))

    def _prepare_grid(self, result: dict[str, Any]) -> None:
        """Draw the whole grid once (about 100 ms on a shared 2-core machine) and keep a picture of its static
        parts; the markers, title and legend are left out of it, to be drawn on top for each grade."""
        fig = Figure(figsize=(5.5, 3.4))
        canvas: Any = FigureCanvasAgg(fig)  # its blitting methods carry no type annotations
        ax = fig.add_subplot()
        draw_grade_grid(ax, result)
        fig.text(0.01, 0.01, "Data: claims.csv, sources.csv (course grades)", fontsize=8.5)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        moving: list[Artist] = [ax.collections[0], ax.collections[1], ax.title]
        legend = ax.get_legend()
        if legend is not None:
            moving.append(legend)
        for artist in moving:
            artist.set_animated(True)  # left out of the full draw: the background has only the static parts
        canvas.draw()
        self.figure.update(fig=fig, moving=moving, background=canvas.copy_from_bbox(fig.bbox))

    def _grid_png(self) -> bytes:
        """The grid for :attr:`result` as a PNG, blitted: the static picture pasted back, the markers, title and
        legend drawn on it (a few times quicker than drawing a new grid), the pixels encoded."""
        fig: Figure = self.figure["fig"]
        canvas: Any = fig.canvas
        mark_grades(fig.axes[0], self.result)
        canvas.restore_region(self.figure["background"])
        for artist in self.figure["moving"]:
            fig.draw_artist(artist)
        png = io.BytesIO()
        pixels = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        pixels.save(png, format="png", compress_level=1)
        return png.getvalue()

    def alt_text(self) -> str:
        """What the grid shows, in words, for a screen reader."""
        r = self.result
        return (
            f"Admiralty grid for claim {r['claim_id']}: your grade {r['your_grade']} (circle), "
            f"the course's {r['course_grade']} (square)."
        )

    def verdict(self, saved: SavedGrade) -> str:
        """The text under the grid: both grades, the course's two reasons, the gap and where the grade was saved."""
        r, was = self.result, saved.previous
        note = f" (it replaces your earlier {was['reliability']}{was['credibility']})" if was else ""
        return (
            f"**Your grade:** {r['your_grade']}, because: {r['your_reason']}\n\n"
            f"**Source: {r['source']}.** Course's reason for the letter: {r['reliability_reason']}\n\n"
            f"**Course's reason for the number:** {r['credibility_reason']}\n\n"
            f"Your letter is {abs(r['letter_steps_off'])} step(s) off; "
            f"your number is {abs(r['number_steps_off'])} step(s) off.\n\n"
            f"Saved to `{saved.path.name}` in your work folder{note}."
        )
