#!/bin/sh
# Makes the images' file systems, except /etc (rootfs/ beside this script), in three directories of OUT_DIR, so that
# each image gets the shared runtime and only its own jar:
#   runtime/opt/java      a Java runtime that jlink links from the build's JDK, with MODULES only      (both images)
#   runtime/lib*/...      the shared libraries (glibc, libstdc++, libgcc_s, zlib) that the runtime and the jars'
#                         native libraries for this machine's architecture load, copied from the build machine at
#                         the paths its dynamic loader resolves them to (ldd), the loader included    (both images)
#   runtime/tmp           a volume                                                                      (both images)
#   service/app/consentgate.jar, service/var/lib/consentgate (its state volume)                      (the service's)
#   tools/app/consentgate-tools.jar                                                                    (the tools')
# An image FROM scratch has no C library; these files make it run the way a distroless base image would, and
# the same build machine (JDK and glibc packages) gives the same files. OUT_DIR/image-libraries.txt lists
# the copied libraries.
#
# Usage: build-rootfs.sh JAVA_HOME MODULES SERVICE_JAR TOOLS_JAR OUT_DIR
set -eu
java_home=$1
modules=$2
service_jar=$3
tools_jar=$4
out=$5
runtime=$out/runtime

rm -rf "$out"
# /var/lib/consentgate (the service's working and state directory) and /tmp are volumes; being in the image, they get
# its modes (pom.xml) when a container engine makes the volumes itself
mkdir -p "$runtime/opt" "$runtime/tmp" "$out/service/app" "$out/service/var/lib/consentgate" "$out/tools/app"

# java.desktop is in MODULES for java.beans alone (Jackson, SnakeYAML, Micrometer introspect beans); its
# native libraries (AWT, fonts, sound, imaging) would pull in X11, freetype and more, and a server never
# loads them, so they are left out.
"$java_home/bin/jlink" --add-modules "$modules" \
  --exclude-files='/java.desktop/lib/**' \
  --strip-debug --no-header-files --no-man-pages \
  --output "$runtime/opt/java"
cp "$service_jar" "$out/service/app/consentgate.jar"
cp "$tools_jar" "$out/tools/app/consentgate-tools.jar"

# Each jar's native libraries for this architecture: RocksDB, zstd, lz4, snappy (the tools jar carries those of
# other platforms too). Their loaders copy them to java.io.tmpdir at run time; here they are only read to learn
# what they link against.
case $(uname -m) in
  x86_64) natives='^(librocksdbjni-linux64\.so|linux/amd64/.*\.so|net/jpountz/util/linux/amd64/.*\.so|org/xerial/snappy/native/Linux/x86_64/.*\.so)$' ;;
  aarch64) natives='^(librocksdbjni-linux-aarch64\.so|linux/aarch64/.*\.so|net/jpountz/util/linux/aarch64/.*\.so|org/xerial/snappy/native/Linux/aarch64/.*\.so)$' ;;
  *) echo "build-rootfs.sh: no native libraries in the jars for $(uname -m)" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for jar in "$service_jar" "$tools_jar"; do
  names=$("$java_home/bin/jar" tf "$jar" | grep -E "$natives")
  [ "$(echo "$names" | wc -l)" -eq 4 ] || { echo "build-rootfs.sh: expected 4 native libraries in $jar, found: $names" >&2; exit 1; }
  mkdir "$work/$(basename "$jar")"
  (cd "$work/$(basename "$jar")" && "$java_home/bin/jar" xf "$jar" $names)
done

# Every dynamically linked file of the runtime and the native libraries, through ldd. libjvm.so shows as
# "not found" for the runtime's own libraries: the launcher loads it from /opt/java/lib/server first.
find "$runtime/opt/java" "$work" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
  | sort | while read -r file; do ldd "$file"; done > "$work/ldd.txt"
if grep 'not found' "$work/ldd.txt" | grep -v 'libjvm\.so => not found'; then
  echo "build-rootfs.sh: libraries not found on this machine (above)" >&2
  exit 1
fi
awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$work/ldd.txt" \
  | grep -v -e "^$runtime/" -e "^$work/" | sort -u > "$out/image-libraries.txt"
while read -r lib; do
  mkdir -p "$runtime$(dirname "$lib")"
  cp -L "$lib" "$runtime$lib"
done < "$out/image-libraries.txt"
echo "build-rootfs.sh: runtime $(du -sh "$runtime/opt/java" | cut -f1), libraries:" $(cat "$out/image-libraries.txt")
