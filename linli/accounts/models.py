"""Logins, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.access import FieldAccess, Scope


class User(AbstractUser):
    """A login (账号). The role gives the coarse scope; duties and pairings add finer scope."""

    class Role(models.TextChoices):
        TOWN_STAFF = "town_staff", _("镇/街道工作人员")
        COMMITTEE_STAFF = "committee_staff", _("居委工作人员")
        VOLUNTEER = "volunteer", _("志愿者")

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    town = models.ForeignKey(
        "places.Town", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    committee = models.ForeignKey(
        "places.Committee", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    @property
    def is_staff_role(self) -> bool:
        return self.role in (self.Role.TOWN_STAFF, self.Role.COMMITTEE_STAFF) or self.is_superuser

    def role_scope(self, scope: Scope) -> None:
        """Add what the role itself grants (called by the access gate)."""
        if self.role == self.Role.TOWN_STAFF and self.town_id:
            scope.add("town", [self.town_id])
            scope.widen(id_number=FieldAccess.REVEALABLE, phone=FieldAccess.REVEALABLE)
        elif self.role == self.Role.COMMITTEE_STAFF and self.committee_id:
            scope.add("committee", [self.committee_id])
            scope.widen(id_number=FieldAccess.REVEALABLE, phone=FieldAccess.REVEALABLE)


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API (接口令牌); only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"

    @classmethod
    def issue(cls, user: User) -> str:
        """Create a token for the user and return its key (shown once, never stored)."""
        key = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=hash_token(key))
        return key
