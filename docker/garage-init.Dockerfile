# The image of compose.yaml's `garage-init`: Garage's own image is only its static binary
# (FROM scratch, no shell), so its CLI is copied into a base that can run garage-init.sh.
# debian:bookworm-slim is vocweek's runtime base too, so no other image is pulled.
ARG GARAGE_VERSION=v2.5.0
FROM dxflrs/garage:${GARAGE_VERSION} AS garage

FROM debian:bookworm-slim
COPY --from=garage /garage /usr/local/bin/garage
COPY garage-init.sh /usr/local/bin/garage-init
ENTRYPOINT ["garage-init"]
