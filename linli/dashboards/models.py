"""The dashboards read through the other apps' reports and selectors; the one table of their
own is the history of sent daily briefings (日报), each kept as it was sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.access import scoped_queryset

BriefingQuerySet = scoped_queryset({"town": "town_id"})


class SentBriefing(models.Model):
    """A daily briefing marked as sent (已发送): its JSON and text exactly as they were shown
    to the sender, who and when. Never changed afterwards: a later change of the data does
    not change what was sent."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    figures = models.JSONField(_("数据"))
    text = models.TextField(_("日报正文"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("发送时间"))

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-sent_at", "-id"]
        indexes = [models.Index(fields=["town", "date"], name="sentbriefing_town_date")]
        verbose_name = _("已发送日报")
        verbose_name_plural = _("已发送日报")

    def __str__(self) -> str:
        return f"{self.town_id} {self.date}"
