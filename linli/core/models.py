"""Cross-cutting models: the audit log, import jobs, the base of the posters' links and the
base of every workflow's history rows.

Their towns and committees are the models `settings.LINLI_TOWN_MODEL` and
`LINLI_COMMITTEE_MODEL` name (as `AUTH_USER_MODEL` names the user): core imports no app."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One audited event (审计记录): a write, reveal, export, import or login. Append-only."""

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        REVEAL = "reveal", _("查看完整信息")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    town = models.ForeignKey(
        settings.LINLI_TOWN_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=50, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class ImportJob(models.Model):
    """A roster uploaded through the import page (导入任务): its preview, progress and result."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查中")
        PREVIEW = "preview", _("待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    town = models.ForeignKey(settings.LINLI_TOWN_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(
        settings.LINLI_COMMITTEE_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=30)
    file_name = models.CharField(_("文件名"), max_length=200)
    stored_file = models.CharField(max_length=200, blank=True)
    skip_bad_rows = models.BooleanField(_("跳过错误行"), default=False)
    # The kind's own options (`Importer.options`, e.g. the test round), as `linli import`
    # takes them.
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PREVIEW
    )
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"


class PosterLink(models.Model):
    """Base of a poster's link (二维码链接): an unguessable token that opens a page without login
    (a building's self-service page, a committee's report-in page). Renewing retires a poster."""

    town = models.ForeignKey(settings.LINLI_TOWN_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)


class TransitionRecord(models.Model):
    """Base of a workflow's history row (状态记录): from, to, who, when and why. Every workflow
    (linli.core.workflow) writes rows of this one shape; the subclass adds the foreign key to
    its row."""

    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class ExportJob(models.Model):
    """A large spreadsheet download a worker makes (导出任务): who asked, for what, its file.

    Only the login that asked may download it; the file and this row are deleted after a day
    (`linli.core.export_jobs.export_sweep`): the file holds personal data, the row the filters
    and a full-number export's reason (never in a URL)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("导出失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    builder = models.CharField(max_length=200)  # the dotted path of the view's sheet builder
    args = models.JSONField(default=list, blank=True)
    method = models.CharField(max_length=8, default="GET")
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    stored_file = models.CharField(max_length=100)
    total = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
