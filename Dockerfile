# wx-gateway: a thin wrapper around `bun run build` (the same single executable the e2e tests run).
FROM oven/bun:1.4 AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN bun install --frozen-lockfile 2>/dev/null || bun install
COPY . .
RUN bun run build

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home /var/lib/wx-gateway wxgw \
 && mkdir -p /var/lib/wx-gateway/token-cache /etc/wx-gateway \
 && chown -R wxgw /var/lib/wx-gateway && chmod 700 /var/lib/wx-gateway/token-cache
COPY --from=build /src/dist/wx-gateway /usr/local/bin/wx-gateway
COPY sample.conf.json /etc/wx-gateway/conf.json
USER wxgw
ENV CONF_FILE=/etc/wx-gateway/conf.json
VOLUME /var/lib/wx-gateway/token-cache
EXPOSE 7080
ENTRYPOINT ["/usr/local/bin/wx-gateway"]
