"""The roster upload page: upload → preview → confirm → progress → result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.models import AuditEntry, ImportJob
from linli.places.models import Resident
from linli.testing.rosters import resident_rows, write_roster_xlsx


def upload(client, path, *, kind="residents", skip=False):
    data = {"kind": kind, "file": SimpleUploadedFile(path.name, path.read_bytes())}
    if skip:
        data["skip_bad_rows"] = "on"
    return client.post(reverse("places:import"), data)


@pytest.fixture
def kaiwu_roster(tmp_path):
    return write_roster_xlsx(
        tmp_path / "新凯五村花名册.xlsx", resident_rows(6, committees=["新凯五村"])
    )


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("places:import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_login_without_a_staff_role_is_refused(client_for):
    assert client_for("charlie").get(reverse("places:import")).status_code == 403


def test_committee_staff_previews_then_imports_a_roster(client_for, kaiwu_roster):
    client = client_for("kaiwu")
    page = client.get(reverse("places:import"))
    assert page.status_code == 200 and "居民花名册" in page.content.decode()
    response = upload(client, kaiwu_roster)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "places:import_job", args=[job.pk]
    )
    preview = client.get(response["Location"]).content.decode()
    assert "尚未导入任何数据" in preview and "将新增" in preview and "确认导入" in preview
    assert Resident.objects.count() == 6  # the scenario's own: nothing imported yet
    done = client.post(
        reverse("places:import_confirm", args=[job.pk]), follow=True
    ).content.decode()
    assert "导入完成" in done
    assert Resident.objects.count() == 12
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["created"] == 6
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.user.username == "kaiwu" and entry.detail["via"] == "upload"


def test_rows_for_another_committee_are_row_errors_for_committee_staff(client_for, tmp_path):
    path = write_roster_xlsx(tmp_path / "r.xlsx", resident_rows(4))  # 新凯五村 and 丽水 rows
    client = client_for("kaiwu")
    page = client.get(upload(client, path)["Location"]).content.decode()
    assert "不能导入到其他居委（丽水）" in page
    job = ImportJob.objects.get()
    refused = client.post(reverse("places:import_confirm", args=[job.pk]))
    assert refused.status_code == 400 and "跳过错误行" in refused.content.decode()
    assert Resident.objects.count() == 6
    rejects = client.get(reverse("places:import_rejects", args=[job.pk]))
    assert rejects.status_code == 200 and rejects["Content-Disposition"].startswith("attachment")
    client.post(reverse("places:import_confirm", args=[job.pk]), {"skip_bad_rows": "on"})
    assert Resident.objects.count() == 8
    rows = resident_rows(4)
    assert Resident.objects.filter(id_number__in=[r[7] for r in rows[0::2]]).count() == 2
    assert not Resident.objects.filter(id_number__in=[r[7] for r in rows[1::2]]).exists()


def test_another_login_cannot_see_the_job(client_for, kaiwu_roster):
    upload(client_for("kaiwu"), kaiwu_roster)
    job = ImportJob.objects.get()
    other = client_for("lishui")
    for name in ("places:import_job", "places:import_progress", "places:import_rejects"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert other.post(reverse("places:import_confirm", args=[job.pk])).status_code == 404
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEW


def test_a_refused_file_says_why(client_for, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_text("not a spreadsheet")
    client = client_for("town")
    page = client.get(upload(client, path)["Location"]).content.decode()
    assert "不是Excel表格" in page
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_the_wrong_kind_of_file_is_refused_at_upload(client_for, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(b"%PDF-1.4")
    response = upload(client_for("town"), path)
    assert response.status_code == 400 and "请上传" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_worker_checks_then_imports_while_the_page_shows_rows_read_of_total(
    client_for, tmp_path, database_queue, monkeypatch
):
    """Upload → the check's progress → preview → confirm → the import's progress → result, with
    a real worker; the page, polled while the worker runs, says how many rows it has read."""
    from linli.core import progress

    roster = write_roster_xlsx(
        tmp_path / "花名册.xlsx", resident_rows(1200, committees=["新凯五村"])
    )
    client = client_for("kaiwu")
    uploaded = upload(client, roster)
    job = ImportJob.objects.get()
    assert uploaded["Location"] == reverse("places:import_job", args=[job.pk])
    page = client.get(uploaded["Location"]).content.decode()
    assert job.status == ImportJob.Status.CHECKING and "排队中" in page
    assert 'hx-trigger="every 1s"' in page and 'http-equiv="refresh"' in page  # no JS: reload
    assert "确认导入" not in page

    polled: list[str] = []
    report = progress.report

    def report_and_poll(key, stage, done, total):
        report(key, stage, done, total)
        polled.append(client.get(reverse("places:import_progress", args=[job.pk])).text)

    monkeypatch.setattr(progress, "report", report_and_poll)
    database_queue.work()
    assert "正在检查… 已处理 500 / 1200 行" in polled[0] and "<progress" in polled[0]
    ready = client.get(reverse("places:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert ready.status_code == 200 and ready["HX-Refresh"] == "true"  # htmx: the whole page
    preview = client.get(reverse("places:import_job", args=[job.pk])).content.decode()
    assert "确认导入" in preview and 'http-equiv="refresh"' not in preview
    assert Resident.objects.count() == 6  # a preview writes nothing

    polled.clear()
    client.post(reverse("places:import_confirm", args=[job.pk]))
    queued = client.get(reverse("places:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in queued and "<progress" in queued
    assert Resident.objects.count() == 6  # queued: nothing imported until a worker runs it
    database_queue.work()
    assert any("已处理 1000 / 1200 行" in text for text in polled)
    result = client.get(reverse("places:import_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in result and "导入完成" in result
    assert Resident.objects.count() == 1206


def test_a_confirmed_job_cannot_be_confirmed_again(client_for, kaiwu_roster):
    client = client_for("kaiwu")
    upload(client, kaiwu_roster)
    job = ImportJob.objects.get()
    client.post(reverse("places:import_confirm", args=[job.pk]))
    again = client.post(reverse("places:import_confirm", args=[job.pk]))
    assert again.status_code == 400
    assert Resident.objects.count() == 12


def test_previews_never_confirmed_are_forgotten_after_a_day(client_for, kaiwu_roster):
    from datetime import timedelta

    from django.utils import timezone

    from linli.core.import_jobs import upload_path

    client = client_for("kaiwu")
    upload(client, kaiwu_roster)
    old = ImportJob.objects.get()
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert upload_path(old).is_file()
    upload(client, kaiwu_roster)
    old.refresh_from_db()
    assert old.status == ImportJob.Status.FAILED and not upload_path(old).is_file()
    assert client.post(reverse("places:import_confirm", args=[old.pk])).status_code == 400
