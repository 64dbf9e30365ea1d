# wx-gateway's container image, one definition for two ways of getting the executable:
#
#   docker build -t wx-gateway .          from source (the last stage, `from-source`): for people who
#                                         build their own; pulls oven/bun and the base
#   bun run image                         the release image (`--target prebuilt`) from an executable
#                                         built by the release build, on a context made by
#                                         scripts/image-context.ts: what CI builds and runs (podman, a
#                                         base made locally from Debian's packages) and what
#                                         .github/workflows/release.yml publishes for amd64 and arm64
#
# Either way: a distroless glibc base (CA certificates, no shell, no package manager), uid 10001,
# CONF_FILE, the token cache as a volume (0700), HEALTHCHECK through `wx-gateway healthcheck`.
# CI never builds the source stages: it cannot reach Docker Hub for oven/bun.
ARG BUN_IMAGE=oven/bun:1.4
ARG BASE=gcr.io/distroless/base-nossl-debian12

# From source. Frozen install: fails when package.json and package-lock.json disagree instead of
# resolving versions anew; --production: the build needs only the runtime dependencies.
FROM ${BUN_IMAGE} AS source-rootfs
WORKDIR /src
COPY package.json package-lock.json ./
RUN bun install --frozen-lockfile --production
COPY . .
# tar run by root keeps layout.tar's owners and modes (the token cache directory: 10001, 0700)
RUN bun scripts/build.ts dist/wx-gateway \
 && bun scripts/image-context.ts --executable dist/wx-gateway --out /context \
 && mkdir -p /rootfs/usr/local/bin \
 && tar -xf /context/layout.tar -C /rootfs \
 && cp /context/*/wx-gateway /rootfs/usr/local/bin/wx-gateway

# Prebuilt: no RUN step, so a multi-arch build needs no emulation. ADD unpacks layout.tar with its
# owners and modes, where COPY --chmod on directories differs between builders.
FROM scratch AS prebuilt-rootfs
ARG TARGETARCH
ADD layout.tar /rootfs/
COPY ${TARGETARCH}/wx-gateway /rootfs/usr/local/bin/wx-gateway

FROM ${BASE} AS runtime
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="wx-gateway" \
      org.opencontainers.image.description="WeChat callback gateway: WeChat XML callbacks in, plain JSON over HTTP to your backend" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
USER 10001:10001
WORKDIR /var/lib/wx-gateway
ENV CONF_FILE=/etc/wx-gateway/conf.json
EXPOSE 7080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/wx-gateway", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/wx-gateway"]

# The two images: the runtime plus one rootfs. COPY --from keeps the owners and modes the stage gave
# its files; VOLUME comes after the token cache directory exists, so a new volume starts as it is.
FROM runtime AS prebuilt
COPY --from=prebuilt-rootfs /rootfs/ /
VOLUME ["/var/lib/wx-gateway/token-cache"]

FROM runtime AS from-source
COPY --from=source-rootfs /rootfs/ /
VOLUME ["/var/lib/wx-gateway/token-cache"]
