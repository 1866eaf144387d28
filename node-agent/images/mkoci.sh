#!/bin/bash
# mkoci.sh REF ROOTFS_DIR OUT.tar ENTRYPOINT_JSON CMD_JSON [ENV_JSON_ARRAY]
# Writes a single-layer OCI image-layout tarball of ROOTFS_DIR that `ctr images import` accepts,
# named REF (annotation io.containerd.image.name). Deterministic: the same rootfs gives the same
# digests, so re-importing is a no-op. The layer is an uncompressed tar, so its digest is its
# diff_id. Recipe: /work/shared/reference/containerd-cri.md section 4.2.
set -euo pipefail
REF=$1; ROOTFS=$2; OUT=$3; ENTRYPOINT=${4:-null}; CMD=${5:-null}
ENV=${6:-'["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"

put_blob() {  # put_blob FILE -> prints "<digest> <size>"
  local d s
  d=$(sha256sum "$1" | cut -d' ' -f1); s=$(stat -c %s "$1")
  mv "$1" "$work/blobs/sha256/$d"
  echo "$d $s"
}

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2024-01-01 00:00Z' \
    -C "$ROOTFS" -cf "$work/layer.tar" .
read -r layer layer_size < <(put_blob "$work/layer.tar")

printf '{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z","config":{"Env":%s,"Entrypoint":%s,"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"2024-01-01T00:00:00Z","created_by":"troupe mkoci.sh"}]}' \
  "$ENV" "$ENTRYPOINT" "$CMD" "$layer" > "$work/config.json"
read -r config config_size < <(put_blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" > "$work/manifest.json"
read -r manifest manifest_size < <(put_blob "$work/manifest.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$manifest_size" "$REF" "${REF##*:}" > "$work/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$work/oci-layout"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2024-01-01 00:00Z' \
    -C "$work" -cf "$OUT.$$.tmp" oci-layout index.json blobs
mv "$OUT.$$.tmp" "$OUT"  # atomic: a concurrent build or import sees the old file or the new one
echo "$REF -> $OUT (image id sha256:$config)"
