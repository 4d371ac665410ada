"""The upload pages as a clerk meets them (issue 9): a template per kind, errors grouped by
reason, the upload's progress through htmx, a link to what was imported."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.models import ImportJob
from linli.places.models import Committee, Resident


def post_file(client, name, content, *, kind="residents", **headers):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("places:import"), data, **headers)


def test_the_downloaded_template_filled_in_over_its_example_row_is_accepted(client_for):
    client = client_for("kaiwu")
    page = client.get(reverse("places:import")).content.decode()
    url = reverse("places:import_template", args=["residents"])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert "%E5%B1%85%E6%B0%91%E8%8A%B1%E5%90%8D%E5%86%8C" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    headers = [c.value for c in sheet[2]]
    assert headers[:5] == ["居委", "小区", "楼栋", "室号", "姓名"] and "示例" in sheet["A1"].value
    example = {h: c.value for h, c in zip(headers, sheet[3], strict=True)}
    assert example["姓名"] == "张三"
    real = {"居委": "新凯五村", "小区": "香樟苑", "楼栋": "1号楼", "室号": "909", "姓名": "王五"}
    for col, h in enumerate(headers, start=1):
        sheet.cell(row=3, column=col, value=real.get(h, ""))
    out = io.BytesIO()
    book.save(out)
    job_page = post_file(client, "模板.xlsx", out.getvalue())
    job = ImportJob.objects.get()
    assert job_page.status_code == 302 and job.status == ImportJob.Status.PREVIEW
    assert job.preview["error_count"] == 0 and job.preview["created"] == 1
    client.post(reverse("places:import_confirm", args=[job.pk]))
    assert Resident.objects.filter(name="王五", household__room="909").exists()


def test_the_template_s_example_row_left_in_is_skipped(client_for):
    client = client_for("kaiwu")
    content = client.get(reverse("places:import_template", args=["volunteers"])).content
    post_file(client, "v.xlsx", content, kind="volunteers")
    job = ImportJob.objects.get()
    assert job.preview["rows"] == 0 and job.preview["error_count"] == 0
    assert "示例行" in client.get(reverse("places:import_job", args=[job.pk])).content.decode()


def test_a_thousand_bad_rows_are_grouped_by_reason_with_the_first_rows_of_each(client_for):
    rows = ["小区,楼栋,室号,姓名"]
    rows += [f"香樟苑,1号楼,,无室号{i}" for i in range(600)]  # missing room
    rows += [f"香樟苑,1号楼,{i},{i}号" for i in range(400)]  # all fine
    rows += ["香樟苑,,101,无楼"] * 400  # missing building
    client = client_for("kaiwu")
    post_file(client, "bad.csv", "\n".join(rows).encode())
    job = ImportJob.objects.get()
    html = client.get(reverse("places:import_job", args=[job.pk])).content.decode()
    assert html.count('class="card import-error-group"') == 2
    assert "缺少室号" in html and "600 行" in html and "缺少楼栋" in html and "400 行" in html
    assert "第2行、第3行、第4行、第5行、第6行 …" in html and "第7行" not in html
    assert "missing" not in html  # Chinese page: Chinese reasons only
    assert reverse("places:import_rejects", args=[job.pk]) in html


def test_the_upload_sent_by_htmx_is_told_where_to_go(client_for):
    client = client_for("kaiwu")
    csv = "小区,楼栋,室号,姓名\n香樟苑,1号楼,101,新居民\n".encode()
    response = post_file(client, "r.csv", csv, HTTP_HX_REQUEST="true")
    job = ImportJob.objects.get()
    assert response["HX-Redirect"] == reverse("places:import_job", args=[job.pk])
    refused = post_file(client, "r.txt", b"x", HTTP_HX_REQUEST="true")
    assert refused["HX-Redirect"].startswith(reverse("places:import"))
    page = client.get(refused["HX-Redirect"]).content.decode()
    assert "请上传 .xlsx" in page and "upload an" not in page


def test_the_result_links_to_the_residents_of_the_clerk_s_committee(client_for):
    client = client_for("kaiwu")
    post_file(client, "r.csv", "小区,楼栋,室号,姓名\n香樟苑,1号楼,101,新居民\n".encode())
    job = ImportJob.objects.get()
    done = client.post(reverse("places:import_confirm", args=[job.pk]), follow=True)
    committee = Committee.objects.get(name="新凯五村")
    link = f"{reverse('places:residents')}?committee={committee.pk}"
    assert f'id="imported-link" href="{link}"' in done.content.decode()
    assert "新居民" in client.get(link).content.decode()
