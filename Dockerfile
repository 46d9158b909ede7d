FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# A CJK font, so that Chinese responsibility letters embed their glyphs in the PDF.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir 'setuptools<81' wheel \
 && pip install --no-cache-dir --no-build-isolation -r requirements.txt
COPY . .
RUN useradd --system --home /app spm && mkdir -p var && chown -R spm /app/var
USER spm
EXPOSE 8000
