"""The hard-kill campaign of bench/fault_campaign.py, reduced to 20 kills for CI.

The same functions as the full campaign (200 kills): scripted sessions through the real
program flow in one reused database, SIGKILLed at random moments, and after each kill
the integrity check, every acknowledged trial stored exactly once, the start-up recovery,
the offer to continue, the continued session and its hours counted once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fault_campaign import CampaignConfig, run_campaign


@pytest.mark.slow
def test_twenty_hard_kills_lose_nothing(tmp_path: Path) -> None:
    result = run_campaign(CampaignConfig(kills=20, seed=20261203, workdir=tmp_path))
    report = "\n".join(result.lines())
    assert result.kills == 20, report
    assert result.failures == 0, report
    assert result.trials_acknowledged > 0, report
    assert result.trials_found == result.trials_acknowledged, report
    # The kills really landed inside scored blocks (an open block closed by the recovery)
    # some of the time, and the killed sessions were continued.
    assert result.kills_mid_block > 0, report
    assert result.sessions_resumed > 0, report
