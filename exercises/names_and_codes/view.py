"""Names and codes, drawn: a card of new customers and their codes, or one customer calling.

Study trials show the set's customers with their codes. When the study phase is over
the card stays up and the participant enters one customer's code from the options, as
when typing a new customer into the system. Recall trials show one customer; pick the
code from the options with a click or the digit key shown on each option.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from cogtrain.i18n import Msg, _, data, number
from cogtrain.runtime import theme as th
from cogtrain.runtime.exercise_view import ExerciseView
from cogtrain.runtime.text import draw_line
from cogtrain.training.exercise import Outcome, Response
from exercises.names_and_codes.rules import CUSTOMERS, NamesTrial, make_trial

EXAMPLE_SEED = 4
DIGIT_KEYS: dict[int, int] = {getattr(pygame, f"K_{d}"): d for d in range(1, 10)}
DIGIT_KEYS.update({getattr(pygame, f"K_KP{d}"): d for d in range(1, 10)})


def customer_name(customer: str) -> Msg:
    return _(CUSTOMERS[customer])


def fitted_size(theme: th.Theme, text: Msg, width: int, sizes: tuple[int, ...], bold: bool) -> int:
    for size in sizes:
        if theme.font(size, bold=bold).size(str(text))[0] <= width:
            return size
    return sizes[-1]


@dataclass(frozen=True)
class CardLayout:
    prompt_y: int
    card: pygame.Rect
    question_y: int
    options: list[pygame.Rect]


class NamesAndCodesView(ExerciseView):
    """The customer card (a set to learn, or one customer) over a row of codes."""

    def _options_row(self, rect: pygame.Rect, theme: th.Theme, n: int) -> list[pygame.Rect]:
        gap = theme.px(18)
        h = theme.px(92)
        w = min(theme.px(170), (rect.width - gap * (n - 1)) // n)
        total = n * w + (n - 1) * gap
        x0 = rect.centerx - total // 2
        return [pygame.Rect(x0 + i * (w + gap), rect.bottom - h, w, h) for i in range(n)]

    def _card_size(self, rect: pygame.Rect, theme: th.Theme, spec: NamesTrial) -> tuple[int, int]:
        """The card's natural size: the pairs of a study set, or one customer's name."""
        if spec.is_study:
            n = len(spec.pairs)
            cols = 1 if n <= 3 else 2
            rows = -(-n // cols)
            row_h = theme.px(70 if n <= 3 else 54)
            return min(rect.width, theme.px(560 if cols == 1 else 500) * cols), (
                rows * row_h + theme.px(28)
            )
        return min(rect.width, theme.px(560)), theme.px(150)

    def _layout(self, rect: pygame.Rect, theme: th.Theme, spec: NamesTrial) -> CardLayout:
        options = self._options_row(rect, theme, len(spec.options))
        question_y = options[0].top - theme.px(40)
        prompt_y = rect.top + theme.px(22)
        top = rect.top + theme.px(56)
        bottom = question_y - theme.px(34)
        w, h = self._card_size(rect, theme, spec)
        h = min(h, bottom - top)
        card = pygame.Rect(0, 0, w, h)
        card.center = (rect.centerx, (top + bottom) // 2)
        return CardLayout(prompt_y, card, question_y, options)

    # -- drawing ----------------------------------------------------------------------

    def _draw_card(self, surface: pygame.Surface, theme: th.Theme, card: pygame.Rect) -> None:
        radius = theme.px(14)
        pygame.draw.rect(surface, th.PANEL, card, border_radius=radius)
        pygame.draw.rect(surface, th.PANEL_BORDER, card, width=theme.px(3), border_radius=radius)

    def _draw_pairs(
        self, surface: pygame.Surface, theme: th.Theme, card: pygame.Rect, spec: NamesTrial
    ) -> None:
        n = len(spec.pairs)
        cols = 1 if n <= 3 else 2
        rows = -(-n // cols)
        inner = card.inflate(-theme.px(28), -theme.px(28))
        col_w = inner.width // cols
        row_h = inner.height // rows
        big = n <= 3  # few pairs: larger codes
        code_w = theme.px(120 if big else 90)
        for i, (customer, code) in enumerate(spec.pairs):
            c, r = divmod(i, rows)
            cell = pygame.Rect(inner.left + c * col_w, inner.top + r * row_h, col_w, row_h)
            name = customer_name(customer)
            name_w = cell.width - code_w - theme.px(36)
            size = fitted_size(theme, name, name_w, (th.SIZE_BODY, th.SIZE_SMALL), False)
            surf = theme.render(name, size)
            surface.blit(surf, surf.get_rect(midleft=(cell.left + theme.px(14), cell.centery)))
            code_center = (cell.right - theme.px(14) - code_w // 2, cell.centery)
            pill = pygame.Rect(0, 0, code_w, min(row_h - theme.px(8), theme.px(58 if big else 44)))
            pill.center = code_center
            pygame.draw.rect(surface, th.BACKGROUND, pill, border_radius=theme.px(8))
            draw_line(
                surface,
                theme,
                data(code),
                size=th.SIZE_TITLE if big else th.SIZE_BODY,
                bold=True,
                color=th.ACCENT,
                center=code_center,
            )
            if cols == 2 and c == 0:
                x = cell.right
                pygame.draw.line(
                    surface, th.PANEL_BORDER, (x, cell.top + 6), (x, cell.bottom - 6), theme.px(2)
                )

    def _draw_customer(
        self, surface: pygame.Surface, theme: th.Theme, card: pygame.Rect, spec: NamesTrial
    ) -> None:
        name = customer_name(spec.customer)
        size = fitted_size(
            theme, name, card.width - theme.px(40), (th.SIZE_TITLE, th.SIZE_BODY), True
        )
        draw_line(surface, theme, name, size=size, bold=True, center=card.center)

    def _draw_options(
        self, surface: pygame.Surface, theme: th.Theme, lay: CardLayout, spec: NamesTrial
    ) -> None:
        radius = theme.px(12)
        # One size for every option, so that none looks special. The code is centred and
        # kept clear of the key number in the top left corner on both sides.
        first = lay.options[0]
        room = first.width - 2 * theme.px(32)
        size = min(
            fitted_size(
                theme, data(code), room, tuple(range(th.SIZE_TITLE, th.SIZE_BODY - 1, -2)), True
            )
            for code in spec.options
        )
        while size > th.SIZE_SMALL and theme.font(size, bold=True).get_ascent() > (
            first.height - theme.px(30)
        ):
            size -= 2
        for i, (code, box) in enumerate(zip(spec.options, lay.options, strict=True)):
            pygame.draw.rect(surface, th.PANEL, box, border_radius=radius)
            pygame.draw.rect(surface, th.ACCENT, box, width=theme.px(3), border_radius=radius)
            draw_line(
                surface,
                theme,
                number(i + 1),
                size=th.SIZE_SMALL,
                color=th.MUTED,
                topleft=(box.left + theme.px(10), box.top + theme.px(2)),
            )
            draw_line(
                surface,
                theme,
                data(code),
                size=size,
                bold=True,
                color=th.ACCENT,
                center=(box.centerx, box.centery + theme.px(8)),
            )

    def _prompt(self, surface: pygame.Surface, theme: th.Theme, x: int, y: int, text: Msg) -> None:
        draw_line(surface, theme, text, size=th.SIZE_BODY, color=th.MUTED, center=(x, y))

    def draw_trial(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: NamesTrial,
        *,
        show_stimulus: bool,
        elapsed_ms: float | None = None,
    ) -> None:
        if not show_stimulus:
            return
        lay = self._layout(rect, theme, spec)
        studying = elapsed_ms is not None and elapsed_ms < spec.input_after_ms
        self._draw_card(surface, theme, lay.card)
        if spec.is_study:
            self._prompt(
                surface, theme, rect.centerx, lay.prompt_y, _("New customers: remember their codes")
            )
            self._draw_pairs(surface, theme, lay.card, spec)
            if studying:
                return
            question = _("Enter the code for {customer}").format(
                customer=customer_name(spec.customer)
            )
        else:
            prompt = (
                _("A customer from earlier calls again")
                if spec.kind == "review"
                else _("A customer calls")
            )
            self._prompt(surface, theme, rect.centerx, lay.prompt_y, prompt)
            self._draw_customer(surface, theme, lay.card, spec)
            question = _("Which code does this customer have?")
        draw_line(
            surface,
            theme,
            question,
            size=fitted_size(theme, question, rect.width, (th.SIZE_BODY, th.SIZE_SMALL), False),
            center=(rect.centerx, lay.question_y),
        )
        self._draw_options(surface, theme, lay, spec)

    def draw_example(
        self,
        surface: pygame.Surface,
        rect: pygame.Rect,
        theme: th.Theme,
        spec: NamesTrial,
        page: int,
    ) -> None:
        if page == 2:
            # "More customers": a larger set, as it looks on a higher level.
            spec = make_trial(7, np.random.default_rng(EXAMPLE_SEED))
        if page in (0, 2) or not spec.is_study:
            w, h = self._card_size(rect, theme, spec)
            card = pygame.Rect(0, 0, w, min(h, rect.height))
            card.center = rect.center
            self._draw_card(surface, theme, card)
            if spec.is_study:
                self._draw_pairs(surface, theme, card, spec)
            else:
                self._draw_customer(surface, theme, card, spec)
            return
        # Later pages: the first customer calls back, with the codes to choose from.
        recall = NamesTrial(
            level=spec.level,
            seq=spec.seq + 1,
            kind="recall",
            set_id=spec.set_id,
            customer=spec.customer,
            code=spec.code,
            options=spec.options,
        )
        lay = self._layout(rect, theme, recall)
        card = lay.card.move(0, -(lay.card.top - rect.top))
        self._draw_card(surface, theme, card)
        self._draw_customer(surface, theme, card, recall)
        self._draw_options(surface, theme, lay, recall)

    # -- input --------------------------------------------------------------------------

    def response_from_event(
        self, event: pygame.event.Event, spec: NamesTrial, rect: pygame.Rect, theme: th.Theme
    ) -> Response | None:
        if event.type == pygame.KEYDOWN and event.key in DIGIT_KEYS:
            d = DIGIT_KEYS[event.key]
            if d <= len(spec.options):
                return Response(answer={"code": spec.options[d - 1], "via": "key"})
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            lay = self._layout(rect, theme, spec)
            for code, box in zip(spec.options, lay.options, strict=True):
                if box.collidepoint(event.pos):
                    return Response(answer={"code": code, "via": "click"})
        return None

    def events_for(
        self, response: Response, spec: NamesTrial, rect: pygame.Rect, theme: th.Theme
    ) -> list[pygame.event.Event]:
        if response.answer is None:
            return []
        d = spec.options.index(str(response.answer["code"])) + 1
        return [
            pygame.event.Event(
                pygame.KEYDOWN, key=getattr(pygame, f"K_{d}"), mod=0, unicode=str(d), scancode=0
            )
        ]

    def practice_hint(self, spec: NamesTrial, outcome: Outcome) -> Msg | None:
        if outcome.correct:
            return None
        return _("{customer} has the code {code}.").format(
            customer=customer_name(spec.customer), code=data(spec.code)
        )
