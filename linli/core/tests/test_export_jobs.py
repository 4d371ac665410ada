"""Large exports are tasks: the page shows the worker's progress, then a download for the login
that asked only; audited once with the rows (and a full-number export's reason, never in a URL);
a killed worker's export runs again and completes once; files go after a day."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from linli.core import progress
from linli.core.export_jobs import export_path, export_run
from linli.core.models import AuditEntry, ExportJob
from linli.places.models import Resident


@pytest.fixture
def large(settings, database_queue):
    """Any list of more than 3 rows is large."""
    settings.LINLI_EXPORT_NOW_ROWS = 3
    return database_queue


def sheet_rows(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT))


def test_a_small_export_is_answered_at_once(client_for, scenario, database_queue):
    response = client_for("kaiwu").get(reverse("places:export", args=["residents"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert not ExportJob.objects.exists() and not DBTaskResult.objects.exists()


def test_a_large_export_shows_progress_then_a_download_for_the_asker_only(
    client_for, scenario, large, monkeypatch
):
    kaiwu = client_for("kaiwu")
    asked = kaiwu.get(reverse("places:export", args=["residents"]))
    job = ExportJob.objects.get()
    assert asked.status_code == 302 and asked["Location"] == reverse("exports:job", args=[job.pk])
    page = kaiwu.get(asked["Location"]).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    assert 'http-equiv="refresh"' in page  # without JavaScript the page reloads itself
    assert not exports()  # nothing written yet, nothing audited

    polled: list[str] = []
    report = progress.report

    def report_and_poll(key, stage, done, total):
        report(key, stage, done, total)
        polled.append(kaiwu.get(reverse("exports:progress", args=[job.pk])).text)

    monkeypatch.setattr(progress, "EVERY", 1)
    monkeypatch.setattr(progress, "report", report_and_poll)
    large.work()
    total = Resident.objects.visible_to(scenario.users["kaiwu"]).count()
    assert f"正在导出… 已处理 1 / {total} 行" in polled[0]

    done = kaiwu.get(reverse("exports:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done and reverse("exports:download", args=[job.pk]) in done
    got = kaiwu.get(reverse("exports:download", args=[job.pk]))
    assert got.status_code == 200
    assert "filename*=utf-8''%E5%B1%85%E6%B0%91" in got["Content-Disposition"]  # 居民-…
    header, *rows = sheet_rows(got)
    assert header[0] == "姓名" and len(rows) == total > 3
    assert all("*" in str(row[4]) for row in rows if row[4])  # masked, as the page shows
    [entry] = exports()
    assert entry.username == "kaiwu" and entry.detail["rows"] == total
    assert entry.detail["full_numbers"] is False

    town = client_for("town")  # another login, even one who sees more, gets a 404
    for name in ("exports:job", "exports:progress", "exports:download"):
        assert town.get(reverse(name, args=[job.pk])).status_code == 404
    assert export_path(job).is_file()  # private: under MEDIA_ROOT, not static
    assert "media" in str(export_path(job)) and "static" not in str(export_path(job))


def test_a_large_full_number_export_keeps_its_reason_out_of_urls_and_in_the_audit(
    client_for, scenario, large, settings
):
    town = client_for("town")
    url = reverse("places:export_full", args=["residents"])
    settings.LINLI_EXPORT_NOW_ROWS = 10_000
    at_once = {
        order: [row[0] for row in sheet_rows(town.post(f"{url}?sort={order}", {"reason": "核对"}))][
            1:
        ]
        for order in ("name", "-name")
    }
    assert at_once["name"] != at_once["-name"]
    settings.LINLI_EXPORT_NOW_ROWS = 3
    asked = town.post(f"{url}?sort=-name", {"reason": "防疫排查"})
    assert asked.status_code == 302 and "防疫" not in asked["Location"]
    large.work()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    rows = sheet_rows(town.get(reverse("exports:download", args=[job.pk])))[1:]
    assert [row[0] for row in rows] == at_once["-name"]  # the page's sort, in the worker too
    zhang = scenario.residents["zhang"]
    assert [zhang.id_number] == [row[7] for row in rows if row[0] == "张三丰"]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("id")
    assert entry.detail["reason"] == "防疫排查" and entry.detail["full_numbers"] is True
    assert entry.detail["rows"] == job.rows == Resident.objects.filter(town=zhang.town).count()


def test_a_large_help_request_export_is_a_task_too(client_for, scenario, large, settings):
    settings.LINLI_EXPORT_NOW_ROWS = -1  # even an empty queue
    asked = client_for("town").get(reverse("care:export", args=["town"]))
    assert asked.status_code == 302
    large.work()
    assert ExportJob.objects.get().status == ExportJob.Status.DONE
    [entry] = exports()
    assert entry.summary.startswith("help requests town")


def test_a_killed_workers_export_runs_again_and_completes_once(client_for, scenario, large):
    kaiwu = client_for("kaiwu")
    kaiwu.get(reverse("places:export", args=["residents"]))
    job = ExportJob.objects.get()
    DBTaskResult.objects.get().claim("host-1")  # then SIGKILL mid-file
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    export_path(job).with_suffix(".part").write_bytes(b"half a file")
    out = large.work("--worker-id", "host-1")
    assert "re-queued 1 interrupted tasks" in out
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert export_run.call(job.pk) == "done"  # once more: nothing written or audited again
    assert len(exports()) == 1
    assert sheet_rows(kaiwu.get(reverse("exports:download", args=[job.pk])))[0][0] == "姓名"


def test_an_export_is_deleted_after_a_day(client_for, scenario, large):
    kaiwu = client_for("kaiwu")
    kaiwu.get(reverse("places:export", args=["residents"]))
    large.work()
    old = ExportJob.objects.get()
    ExportJob.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    assert kaiwu.get(reverse("exports:download", args=[old.pk])).status_code == 404
    kaiwu.get(reverse("places:export", args=["residents"]))  # the next export sweeps
    assert not export_path(old).exists() and not ExportJob.objects.filter(pk=old.pk).exists()
