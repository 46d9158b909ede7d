FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir 'setuptools<81' wheel \
 && pip install --no-cache-dir --no-build-isolation -r requirements.txt
COPY . .
RUN useradd --system --home /app spm && mkdir -p var && chown -R spm /app/var
USER spm
EXPOSE 8000
