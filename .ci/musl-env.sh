# shellcheck shell=bash
# Sourced: `source .ci/musl-env.sh TARGET` sets the C compiler (AWS-LC is C) and
# the linker for a static musl build. Rust links its own musl (self-contained
# crt objects and libc.a); the C code only needs musl's headers.
#   - native (x86_64 on x86_64, aarch64 on aarch64): musl-gcc from musl-tools;
#   - aarch64 on x86_64: Debian's gcc-aarch64-linux-gnu with musl's arm64 headers
#     (musl-dev:arm64, multiarch) through the specs file musl-dev ships.
musl_target=$1
musl_arch=${musl_target%%-*}
case $musl_target in
    x86_64-unknown-linux-musl | aarch64-unknown-linux-musl) ;;
    *) echo "musl-env.sh: unsupported target $musl_target" >&2; return 2 ;;
esac
if [ "$musl_arch" = "$(uname -m)" ]; then
    export "CC_${musl_arch}_unknown_linux_musl=musl-gcc"
else
    export "CC_${musl_arch}_unknown_linux_musl=${musl_arch}-linux-gnu-gcc"
    export "CFLAGS_${musl_arch}_unknown_linux_musl=-specs=/usr/lib/${musl_arch}-linux-musl/musl-gcc.specs"
    export "CARGO_TARGET_${musl_arch^^}_UNKNOWN_LINUX_MUSL_LINKER=${musl_arch}-linux-gnu-gcc"
    # Run the foreign binary under qemu-user (cargo run / cargo test).
    export "CARGO_TARGET_${musl_arch^^}_UNKNOWN_LINUX_MUSL_RUNNER=qemu-${musl_arch}"
fi
unset musl_target musl_arch
