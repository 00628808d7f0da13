# syntax=docker/dockerfile:1
# The image-resize service, msgflo and guv for everyone not on Heroku:
#   docker build -t imageresize .        (compose.yaml runs the whole stack)
#
# Build stage: the official Swift image on Debian 12 (bookworm), the release
# the runtime stage runs, so the C libraries linked here are the ones loaded
# there. Keep the Swift version in step with .swift-version.
FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      pkg-config libvips-dev librabbitmq-dev libpq-dev libcurl4-openssl-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tests/ too: Package.swift declares the test targets, and SwiftPM checks
# that every target's folder exists even when it builds only the products.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# The Swift runtime and Foundation are linked in (--static-swift-stdlib), so
# the runtime stage needs no toolchain: only the system libraries below.
RUN swift build -c release --static-swift-stdlib \
 && mkdir /out \
 && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)"/imageresize \
       "$(swift build -c release --static-swift-stdlib --show-bin-path)"/msgflo \
       "$(swift build -c release --static-swift-stdlib --show-bin-path)"/guv /out/

# Runtime stage: slim Debian with only the shared libraries the binaries load
# (spec/deploy/test_container_image.py checks this list against ldd) and the
# CA bundle amqps:// and https:// downloads verify against. No -dev package.
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      libvips42 \
      librabbitmq4 \
      libpq5 \
      libcurl4 \
      libssl3 \
      libstdc++6 \
      libgcc-s1 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /app imageresize
WORKDIR /app
COPY --from=build /out/ /usr/local/bin/
# The graph (msgflo setup), the component library and the guv configs.
COPY graphs ./graphs
COPY config ./config
COPY Procfile ./
USER imageresize
ENV PORT=8080 MALLOC_ARENA_MAX=2 VIPS_CONCURRENCY=1
EXPOSE 8080
CMD ["imageresize", "web", "--role", "web"]
