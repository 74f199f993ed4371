"""Shop goods drawn with pygame.draw: five kinds, four colours, three labels.

Shared by the shelf search and go / stop views. Colours differ in lightness as well as
hue (dark blue, mid green, light yellow, white) so that they stay apart for people with
red-green colour blindness; there is no red. Every product has a dark outline so that a
white one stands out from a white shelf.
"""

from __future__ import annotations

import pygame

from cogtrain.runtime import theme as th

PRODUCT_COLOURS: dict[str, th.Color] = {
    "blue": (44, 92, 168),
    "green": (52, 132, 84),
    "yellow": (232, 188, 64),
    "white": (250, 250, 248),
}
# The label drawn on a product must contrast with the product's own colour.
LABEL_ON: dict[str, th.Color] = {
    "blue": (250, 250, 248),
    "green": (250, 250, 248),
    "yellow": th.TEXT,
    "white": th.TEXT,
}
OUTLINE: th.Color = th.TEXT
LID: th.Color = (92, 100, 114)


# About how much of its box's height each kind of product fills (to centre one on a card).
HEIGHT_SHARE: dict[str, float] = {"box": 0.96, "bottle": 0.9, "tin": 0.6, "jar": 0.78, "bag": 0.86}


def centred_box(kind: str, center: tuple[int, int], side: int) -> pygame.Rect:
    """A ``side`` square box placed so that a product of ``kind`` looks centred on ``center``."""
    box = pygame.Rect(0, 0, side, side)
    box.midbottom = (center[0], round(center[1] + side * HEIGHT_SHARE[kind] / 2))
    return box


def _body_rect(kind: str, box: pygame.Rect) -> pygame.Rect:
    """The part of the product that carries the colour and the label."""
    w, h = box.width, box.height
    if kind == "box":
        r = pygame.Rect(0, 0, round(w * 0.62), round(h * 0.96))
    elif kind == "bottle":
        r = pygame.Rect(0, 0, round(w * 0.42), round(h * 0.64))
    elif kind == "tin":
        r = pygame.Rect(0, 0, round(w * 0.56), round(h * 0.6))
    elif kind == "jar":
        r = pygame.Rect(0, 0, round(w * 0.76), round(h * 0.66))
    elif kind == "bag":
        r = pygame.Rect(0, 0, round(w * 0.7), round(h * 0.86))
    else:
        raise ValueError(f"unknown product kind {kind!r}")
    r.midbottom = box.midbottom
    return r


def draw_product(
    surface: pygame.Surface,
    kind: str,
    colour: str,
    label: str,
    box: pygame.Rect,
) -> pygame.Rect:
    """Draw one product standing on the bottom edge of ``box``; returns its outline rect."""
    fill = PRODUCT_COLOURS[colour]
    line = max(2, round(box.height / 40))
    body = _body_rect(kind, box)
    outline = body.copy()
    if kind == "box":
        pygame.draw.rect(surface, fill, body, border_radius=max(2, line))
        pygame.draw.rect(surface, OUTLINE, body, width=line, border_radius=max(2, line))
    elif kind == "bottle":
        neck = pygame.Rect(0, 0, round(body.width * 0.4), round(box.height * 0.2))
        neck.midbottom = (body.centerx, body.top + round(body.width * 0.25))
        cap = pygame.Rect(0, 0, round(body.width * 0.5), round(box.height * 0.1))
        cap.midbottom = (body.centerx, neck.top + line)
        for part, colour_ in ((neck, fill), (cap, LID)):
            pygame.draw.rect(surface, colour_, part, border_radius=max(2, line))
            pygame.draw.rect(surface, OUTLINE, part, width=line, border_radius=max(2, line))
        radius = round(body.width * 0.3)
        pygame.draw.rect(surface, fill, body, border_radius=radius)
        pygame.draw.rect(surface, OUTLINE, body, width=line, border_radius=radius)
        outline = body.union(cap)
    elif kind == "tin":
        pygame.draw.rect(surface, fill, body, border_radius=max(3, body.width // 10))
        pygame.draw.rect(surface, OUTLINE, body, width=line, border_radius=max(3, body.width // 10))
        for y in (body.top + round(body.height * 0.1), body.bottom - round(body.height * 0.1)):
            pygame.draw.line(surface, OUTLINE, (body.left, y), (body.right - 1, y), line)
    elif kind == "jar":
        lid = pygame.Rect(0, 0, round(body.width * 0.8), round(box.height * 0.13))
        lid.midbottom = (body.centerx, body.top + line)
        radius = round(body.width * 0.22)
        pygame.draw.rect(surface, fill, body, border_radius=radius)
        pygame.draw.rect(surface, OUTLINE, body, width=line, border_radius=radius)
        pygame.draw.rect(surface, LID, lid, border_radius=max(2, line))
        pygame.draw.rect(surface, OUTLINE, lid, width=line, border_radius=max(2, line))
        outline = body.union(lid)
    elif kind == "bag":
        inset = round(body.width * 0.12)
        crimp = round(body.height * 0.1)
        pts = [
            (body.left + inset, body.top + crimp),
            (body.right - inset, body.top + crimp),
            (body.right, body.bottom),
            (body.left, body.bottom),
        ]
        pygame.draw.polygon(surface, fill, pts)
        pygame.draw.polygon(surface, OUTLINE, pts, width=line)
        top = pygame.Rect(body.left + inset, body.top, body.width - 2 * inset, crimp + line)
        pygame.draw.rect(surface, fill, top)
        pygame.draw.rect(surface, OUTLINE, top, width=line)
    _draw_label(surface, kind, colour, label, body, line)
    return outline


def _draw_label(
    surface: pygame.Surface, kind: str, colour: str, label: str, body: pygame.Rect, line: int
) -> None:
    ink = LABEL_ON[colour]
    cy = body.centery + (round(body.height * 0.06) if kind == "bag" else 0)
    if label == "stripe":
        stripe = pygame.Rect(
            0,
            0,
            body.width - 2 * line - (body.width // 8 if kind == "bag" else 0),
            max(4, round(body.height * 0.2)),
        )
        stripe.center = (body.centerx, cy)
        pygame.draw.rect(surface, ink, stripe)
    elif label == "dot":
        radius = max(4, round(min(body.width, body.height) * 0.24))
        pygame.draw.circle(surface, ink, (body.centerx, cy), radius)
    elif label != "plain":
        raise ValueError(f"unknown label {label!r}")
