#!/usr/bin/env bash
# Make Docker usable for Molecule on a machine with no registry access:
# start dockerd when it is not running, then build a Debian 12 systemd image
# with debootstrap once (see DESIGN.md, "Molecule on these machines").
set -euo pipefail
IMAGE="${MOLECULE_IMAGE:-konbit/debian12-systemd:latest}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if ! $SUDO docker info >/dev/null 2>&1; then
  echo "Starting dockerd"
  $SUDO bash -c 'nohup dockerd >/var/log/dockerd-konbit.log 2>&1 &'
  for _ in $(seq 1 60); do
    $SUDO docker info >/dev/null 2>&1 && break
    sleep 1
  done
  $SUDO docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dockerd-konbit.log" >&2; exit 1; }
fi

if $SUDO docker image inspect "$IMAGE" >/dev/null 2>&1; then
  exit 0
fi
if [ -n "${MOLECULE_IMAGE:-}" ]; then
  echo "MOLECULE_IMAGE=$IMAGE is not present locally; pull or build it first" >&2
  exit 1
fi

echo "Building $IMAGE with debootstrap (a few minutes, once)"
ROOTFS="$(mktemp -d /var/tmp/konbit-rootfs.XXXXXX)"
trap '$SUDO rm -rf "$ROOTFS"' EXIT
$SUDO debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,python3,python3-apt,dbus,ca-certificates,sudo,iproute2 \
  bookworm "$ROOTFS" http://deb.debian.org/debian
# Security updates and the usual components, as on a real server.
$SUDO tee "$ROOTFS/etc/apt/sources.list" >/dev/null <<'LIST'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
$SUDO rm -f "$ROOTFS"/var/cache/apt/archives/*.deb
$SUDO tar -C "$ROOTFS" -c . | $SUDO docker import -c 'CMD ["/sbin/init"]' - "$IMAGE"
echo "Built $IMAGE"
