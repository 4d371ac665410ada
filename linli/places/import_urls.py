"""URLs of the roster upload pages (included in places/urls.py)."""

urlpatterns: list = []
