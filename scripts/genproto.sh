#!/usr/bin/env bash
# Regenerates the Go stubs of the Open Inference Protocol gRPC service.
#
#   Usage:  bash scripts/genproto.sh
#
# Input:   proto/open_inference_grpc.proto (the KServe OIP proto, Apache-2.0,
#          with a go_package option added).
# Output:  internal/server/oippb/open_inference_grpc.pb.go
#          internal/server/oippb/open_inference_grpc_grpc.pb.go
#
# The generated files are committed: building, testing and CI never run
# protoc. Run this script only after changing the .proto or the pinned
# generator versions, then commit the .pb.go files it writes.
#
# What it installs:
#   - protoc, only if it is missing, with `apt-get install -y protobuf-compiler`
#     (Debian bookworm ships 3.21.12; needs root);
#   - protoc-gen-go and protoc-gen-go-grpc at the versions pinned below, with
#     `go install` into a temporary GOBIN that is removed on exit. Nothing is
#     put on the global PATH or in $GOPATH/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

# protoc-gen-go-grpc v1.6.x emits code that needs grpc-go v1.64.0 or later
# (grpc.SupportPackageIsVersion9); go.mod requires a newer grpc-go.
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2

# protoc-gen-go v1.36.3 is the last release whose output does not import
# "unsafe" (from v1.36.4 on the raw descriptor is a string viewed as bytes
# through unsafe.StringData). The project keeps unsafe out of every file not
# named *_unsafe.go (docs/SECURITY.md), so we stay on it. Code it generates
# runs on any newer google.golang.org/protobuf runtime (go.mod has v1.36.12):
# generated code states the oldest runtime it needs, never the newest.
PROTOC_GEN_GO_VERSION=v1.36.3

if ! command -v protoc >/dev/null 2>&1; then
	echo "genproto: protoc not found; installing Debian's protobuf-compiler" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "genproto: need root for apt-get (or install protoc yourself)" >&2
		exit 1
	fi
	apt-get -o DPkg::Lock::Timeout=600 update
	apt-get -o DPkg::Lock::Timeout=600 install -y protobuf-compiler
fi

gobin=$(mktemp -d)
trap 'rm -rf "$gobin"' EXIT
GOBIN="$gobin" GOFLAGS= go install "google.golang.org/protobuf/cmd/protoc-gen-go@${PROTOC_GEN_GO_VERSION}"
GOBIN="$gobin" GOFLAGS= go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@${PROTOC_GEN_GO_GRPC_VERSION}"

out=internal/server/oippb
mkdir -p "$out"
rm -f "$out"/*.pb.go
PATH="$gobin:$PATH" protoc \
	--proto_path=proto \
	--go_out="$out" --go_opt=paths=source_relative \
	--go-grpc_out="$out" --go-grpc_opt=paths=source_relative \
	open_inference_grpc.proto
if grep -l '"unsafe"' "$out"/*.pb.go; then
	echo "genproto: the generated code above imports unsafe; pin an older protoc-gen-go" >&2
	exit 1
fi
echo "genproto: wrote $(ls "$out"/*.pb.go | tr '\n' ' ')(protoc $(protoc --version | awk '{print $2}'), protoc-gen-go $PROTOC_GEN_GO_VERSION, protoc-gen-go-grpc $PROTOC_GEN_GO_GRPC_VERSION)"
