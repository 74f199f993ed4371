"""`cogtrain screenshot` renders every staff screen: each file is there and not blank."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from cogtrain.runtime.staff.screenshots import render_staff

EXPECTED = (
    "00_start_before_set_up",
    "01_first_admin",
    "02_start",
    "03_participant_code_pin",
    "04_login",
    "05_overview_consultant",
    "06_participant_new",
    "07_participant_edit",
    "08_progress",
    "09_goals",
    "10_goal_edit",
    "11_rating",
    "12_note",
    "12b_overview_server_away",
    "12c_progress_server_ok",
    "13_overview_admin",
    "14_participant_admin",
    "15_accounts",
    "16_new_account",
    "17_audit_log",
    "18_overview_neuropsychologist",
    "18b_overview_export_running",
    "19_assess_score_form",
    "20_assess_profile",
    "21_assess_before_after",
    "22_assess_scores",
)


@pytest.mark.slow
def test_every_staff_screen_is_rendered(tmp_path: Path) -> None:
    paths = render_staff(tmp_path, (1024, 768))
    names = [p.name.removeprefix("staff_").removesuffix("_nb_1024x768.png") for p in paths]
    assert names == list(EXPECTED)
    pygame.init()
    try:
        for path in paths:
            image = pygame.image.load(str(path))
            assert image.get_size() == (1024, 768)
            # Not blank: the header band, text and widgets give many colours.
            colours = {
                image.get_at((x, y))[:3] for x in range(0, 1024, 16) for y in range(0, 768, 16)
            }
            assert len(colours) >= 4, path.name
    finally:
        pygame.quit()
