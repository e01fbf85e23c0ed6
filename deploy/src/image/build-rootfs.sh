#!/bin/sh
# Makes the image's file system, except /etc (rootfs/ beside this script), in OUT_DIR:
#   /opt/java             a Java runtime that jlink links from the build's JDK, with MODULES only
#   /app/consentgate.jar  the service
#   /lib*/...             the shared libraries (glibc, libstdc++, libgcc_s, zlib) that the runtime and the
#                         jar's native libraries for this machine's architecture load, copied from the build
#                         machine at the paths its dynamic loader resolves them to (ldd), the loader included
# An image FROM scratch has no C library; these files make it run the way a distroless base image would, and
# the same build machine (JDK and glibc packages) gives the same files. OUT_DIR/../image-libraries.txt lists
# the copied libraries.
#
# Usage: build-rootfs.sh JAVA_HOME MODULES SERVICE_JAR OUT_DIR
set -eu
java_home=$1
modules=$2
jar=$3
out=$4

rm -rf "$out"
# /var/lib/consentgate (the working and state directory) and /tmp are volumes; being in the image, they get its
# modes (pom.xml) when a container engine makes the volumes itself
mkdir -p "$out/app" "$out/opt" "$out/tmp" "$out/var/lib/consentgate"

# java.desktop is in MODULES for java.beans alone (Jackson, SnakeYAML, Micrometer introspect beans); its
# native libraries (AWT, fonts, sound, imaging) would pull in X11, freetype and more, and a server never
# loads them, so they are left out.
"$java_home/bin/jlink" --add-modules "$modules" \
  --exclude-files='/java.desktop/lib/**' \
  --strip-debug --no-header-files --no-man-pages \
  --output "$out/opt/java"
cp "$jar" "$out/app/consentgate.jar"

# The jar's native libraries for this architecture: RocksDB, zstd, lz4, snappy. Their loaders copy them to
# java.io.tmpdir at run time; here they are only read to learn what they link against.
case $(uname -m) in
  x86_64) natives='^(librocksdbjni-linux64\.so|linux/amd64/.*\.so|net/jpountz/util/linux/amd64/.*\.so|org/xerial/snappy/native/Linux/x86_64/.*\.so)$' ;;
  aarch64) natives='^(librocksdbjni-linux-aarch64\.so|linux/aarch64/.*\.so|net/jpountz/util/linux/aarch64/.*\.so|org/xerial/snappy/native/Linux/aarch64/.*\.so)$' ;;
  *) echo "build-rootfs.sh: no native libraries in the service jar for $(uname -m)" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
names=$("$java_home/bin/jar" tf "$jar" | grep -E "$natives")
[ "$(echo "$names" | wc -l)" -eq 4 ] || { echo "build-rootfs.sh: expected 4 native libraries, found: $names" >&2; exit 1; }
(cd "$work" && "$java_home/bin/jar" xf "$jar" $names)

# Every dynamically linked file of the runtime and the native libraries, through ldd. libjvm.so shows as
# "not found" for the runtime's own libraries: the launcher loads it from /opt/java/lib/server first.
find "$out/opt/java" "$work" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
  | sort | while read -r file; do ldd "$file"; done > "$work/ldd.txt"
if grep 'not found' "$work/ldd.txt" | grep -v 'libjvm\.so => not found'; then
  echo "build-rootfs.sh: libraries not found on this machine (above)" >&2
  exit 1
fi
awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$work/ldd.txt" \
  | grep -v -e "^$out/" -e "^$work/" | sort -u > "$out/../image-libraries.txt"
while read -r lib; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done < "$out/../image-libraries.txt"
echo "build-rootfs.sh: runtime $(du -sh "$out/opt/java" | cut -f1), libraries:" $(cat "$out/../image-libraries.txt")
