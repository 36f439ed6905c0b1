"""The web floor every domain's views stand on: the request's transaction, shared form helpers, error pages,
security headers, Jinja set-up, uploads and downloads, and the Norwegian wording of the core's errors."""
