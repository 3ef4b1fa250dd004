# monostat in a container: `docker build -t monostat .`, then see "Install" in the README.
# .ci/check-dockerfile checks this file in CI (no container engine needed); keep the two in step.

# --- Build: the Rust toolchain on Debian 12, the same release as the runtime below (glibc, OpenSSL 3).
FROM rust:1.95-slim-bookworm AS build
# webauthn-rs (admin security keys) links the system's OpenSSL.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Only what the release build reads: the manifest and lock file, the code, and what the code
# embeds (migrations, templates, static assets).
COPY Cargo.toml Cargo.lock ./
COPY src src/
COPY migrations migrations/
COPY templates templates/
COPY static static/
COPY locales locales/
RUN cargo build --release --locked

# --- Run: Debian 12 slim with OpenSSL's library and the CA certificates (TLS to Slack, SMTP,
# PostgreSQL). No shell tools beyond the base image's, no compiler.
FROM debian:bookworm-slim
COPY --from=build /build/target/release/monostat /usr/local/bin/monostat
# The server listens on port 80 as uid 15372. Docker 20.10 and newer let any user bind low ports
# in a container's own network namespace (net.ipv4.ip_unprivileged_port_start=0), but not with
# --network host, and Kubernetes and older engines do not set that sysctl. A file capability on
# the binary works wherever the container keeps NET_BIND_SERVICE, which every engine grants by
# default. Who drops all capabilities must add NET_BIND_SERVICE back: without it the kernel
# refuses to start a binary that carries the capability. setcap runs here, after the COPY,
# because a copy between stages may lose file capabilities.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 libcap2-bin \
 && setcap cap_net_bind_service=+ep /usr/local/bin/monostat \
 && apt-get purge -y libcap2-bin && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 15372 monostat \
 && useradd --uid 15372 --gid 15372 --home-dir /data --no-create-home --shell /usr/sbin/nologin monostat \
 && mkdir /data && chown 15372:15372 /data
# The SQLite database (with the uploaded logo) and the mail outbox live in /data. A new named volume
# starts with this directory's owner (uid 15372); a bind-mounted host directory must be
# writable by uid 15372 (`chown 15372:15372 DIR`).
ENV MONOSTAT_DATA_DIR=/data MONOSTAT_LISTEN=0.0.0.0:80
VOLUME /data
EXPOSE 80
USER 15372:15372
# `monostat serve` migrates the database at start unless AUTOMIGRATE=skip. Other commands run
# in the running container with `docker exec -it NAME monostat createsuperuser` (same user,
# same environment), or instead of serve with `docker run … IMAGE createsuperuser`.
# No HEALTHCHECK: it would need an HTTP client (curl) in the image only for that; point your
# orchestrator or load balancer at GET /healthz (200 when the database answers, 503 if not).
ENTRYPOINT ["/usr/local/bin/monostat"]
CMD ["serve"]
