FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng ocrmypdf ghostscript qpdf \
      fonts-dejavu-core fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./

COPY . .
RUN pip install --no-cache-dir . \
 && DJANGO_SETTINGS_MODULE=vss_portal.settings.development STATIC_ROOT=/app/var/staticfiles \
    python manage.py collectstatic --noinput -v 0 \
 && python manage.py compile_translations
RUN useradd --system --uid 1000 vss && mkdir -p /app/var/media && chown -R vss /app/var
USER vss
EXPOSE 8000
# Worker class, workers and threads: gunicorn.conf.py (measured, docs/operations.md), each
# overridable with GUNICORN_* variables or GUNICORN_CMD_ARGS.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "vss_portal.wsgi:application"]
