"""Logins, roles and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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
    # 适老化: larger type and higher contrast on every page, kept with the login.
    elder_mode = models.BooleanField(_("适老化（大字）"), default=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

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


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def unexpired(self) -> ApiTokenQuerySet:
        return self.filter(expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the API (接口令牌); only its hash is stored. It works until it expires,
    is revoked, its owner is deactivated or its owner's password changes (`password_mark`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    # The owner's session hash at issue (Django's `get_session_auth_hash()`, an HMAC of the
    # password hash): a new password changes it, as it logs out sessions.
    password_mark = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"

    @classmethod
    def issue(cls, user: User) -> str:
        """Create a token for the user and return its key (shown once, never stored). The
        service `api_token_issue` adds the per-user limit and the audit entry."""
        return cls.make(user)[1]

    @classmethod
    def make(cls, user: User) -> tuple[ApiToken, str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            key_hash=hash_token(key),
            password_mark=user.get_session_auth_hash(),
            expires_at=timezone.now() + token_lifetime(),
        )
        return token, key

    def is_live(self) -> bool:
        """Unexpired, its owner active and with the password it was issued under."""
        return (
            self.expires_at > timezone.now()
            and self.user.is_active
            and self.password_mark == self.user.get_session_auth_hash()
        )


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.LINLI_API_TOKEN_DAYS)
