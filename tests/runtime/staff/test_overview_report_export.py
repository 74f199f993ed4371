"""The clinic overview saves a participant's report and the research export as files."""

from __future__ import annotations

import zipfile
from pathlib import Path

from cogtrain.i18n import _
from cogtrain.paths import staff_documents_dir
from cogtrain.runtime.staff.overview import OverviewScene
from cogtrain.staff.desk import StaffDesk
from cogtrain.staff.forms import StaffUserDraft
from tests.runtime.staff.conftest import ADMIN_PW, KARI_PW, Clinic, Driver

NILS_PW = "nevro-psyk-2026"


def _overview(drive: Driver, user: str, pw: str) -> OverviewScene:
    drive.login(user, pw)
    drive.nav.home()
    drive.frames(2)
    scene = drive.scene
    assert isinstance(scene, OverviewScene)
    return scene


def test_a_consultant_saves_the_progress_report_never_over_an_old_one(
    drive: Driver, clinic: Clinic, desk: StaffDesk
) -> None:
    scene = _overview(drive, "kari", KARI_PW)
    assert _("Export for research") not in scene.buttons  # consultants do not export
    drive.click(drive.button(_("Progress report")))
    files = sorted(staff_documents_dir().glob("*.pdf"))
    assert len(files) == 1 and files[0].read_bytes().startswith(b"%PDF")
    first = files[0].read_bytes()
    assert str(files[0]) in drive.shown()
    drive.click(drive.button(_("Progress report")))
    again = sorted(staff_documents_dir().glob("*.pdf"))
    assert len(again) == 2 and files[0] in again
    assert files[0].read_bytes() == first  # the first is kept as it was
    assert not list(staff_documents_dir().glob("*.part"))
    actions = [r.action for r in desk.records.audit_log(limit=10)]
    assert actions.count("report_print") == 2


def test_a_neuropsychologist_exports_a_zip(drive: Driver, clinic: Clinic, desk: StaffDesk) -> None:
    admin = desk.login("anne", ADMIN_PW)
    admin.add_user(StaffUserDraft("nils", "Nils Nevro", "neuropsychologist", NILS_PW, NILS_PW))
    _overview(drive, "nils", NILS_PW)
    drive.click(drive.button(_("Export for research")))
    (zip_path,) = staff_documents_dir().glob("cogtrain-export-*.zip")
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
    assert any(n.endswith("dataset_description.json") for n in names)
    assert "de-identified" in drive.shown() or "avidentifisert" in drive.shown()
    rows = desk.records.audit_log(limit=10)
    assert any(r.action == "export_data" and r.actor_name == "nils" for r in rows)
    assert isinstance(zip_path, Path)
