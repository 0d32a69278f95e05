#!/bin/sh
# One-shot setup of the Garage node for vocweek (docker/compose.yaml's `garage-init`): give the
# node its role in the layout, create the bucket, import vocweek's key and let it use the
# bucket. It runs on every `up`, so each step looks before it acts: a second run changes
# nothing and succeeds. The CLI reads /etc/garage.toml, the node's key from the (shared)
# metadata directory and the RPC secret from GARAGE_RPC_SECRET.
set -eu
: "${GARAGE_BUCKET:?}" "${GARAGE_KEY_ID:?}" "${GARAGE_SECRET_KEY:?}"

# compose starts this once the node's healthcheck passes; wait a little anyway, so the script
# also works by hand right after the node starts.
tries=0
until garage status >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "garage-init: the Garage node does not answer" >&2
    garage status
    exit 1
  fi
  sleep 1
done

# A fresh node has layout version 0 and no role: it stores nothing until one is applied.
layout=$(garage layout show)
version=$(printf '%s\n' "$layout" | sed -n 's/^Current cluster layout version: *//p')
if [ "${version:-0}" = 0 ]; then
  node=$(garage node id -q | cut -d@ -f1)
  garage layout assign -z dc1 -c 1G "$node"
  garage layout apply --version 1
else
  echo "garage-init: layout already at version $version"
fi

if garage bucket info "$GARAGE_BUCKET" >/dev/null 2>&1; then
  echo "garage-init: bucket $GARAGE_BUCKET exists"
else
  garage bucket create "$GARAGE_BUCKET" >/dev/null
  echo "garage-init: created bucket $GARAGE_BUCKET"
fi

# The key is imported (not created) so that its id and secret come from docker/.env, where
# vocweek's containers read them too. The secret is never printed.
if garage key info "$GARAGE_KEY_ID" >/dev/null 2>&1; then
  echo "garage-init: key $GARAGE_KEY_ID exists"
else
  garage key import --yes -n vocweek "$GARAGE_KEY_ID" "$GARAGE_SECRET_KEY" >/dev/null
  echo "garage-init: imported key $GARAGE_KEY_ID"
fi

# Granting what is already granted is a no-op. The key is named by its id: names need not be
# unique in Garage.
garage bucket allow --read --write --owner "$GARAGE_BUCKET" --key "$GARAGE_KEY_ID" >/dev/null
echo "garage-init: key $GARAGE_KEY_ID may read and write bucket $GARAGE_BUCKET"
