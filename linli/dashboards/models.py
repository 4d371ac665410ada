# The dashboards app has no models of its own: it reads through the other apps' selectors.
