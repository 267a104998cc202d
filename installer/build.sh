#!/usr/bin/env bash
# Builds Custos installers with jpackage from the files in installer/jpackage (kept as argument files).
#   installer/build.sh [app-image|deb|rpm|msi|dmg|all]     (default: all that this OS can build)
# Steps: the jar and its dependencies (mvn package), a trimmed Java runtime (jlink; modules found by jdeps plus the
# ones it misses), then jpackage. Output: target/installer/.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
out=target/installer
case "$(uname -s)" in
  Linux*) os=linux; all="app-image deb rpm" ;;
  Darwin*) os=mac; all="app-image dmg" ;;
  MINGW*|MSYS*|CYGWIN*) os=windows; all="app-image msi" ;;
  *) echo "installer/build.sh: unknown OS $(uname -s)" >&2; exit 1 ;;
esac
[ "$what" = all ] && types=$all || types=$what

mvn -q -DskipTests package
version=$(sed -n 's/^version=//p' target/classes/org/custos/app/version.properties | sed 's/-.*//')
rm -rf "$out" && mkdir -p "$out/input"
cp target/custos.jar "$out/input/" && cp -r target/lib "$out/input/lib"

# jdeps sees JavaFX and ControlsFX as modules; the app runs them from the class path, so only java.* / jdk.*
# modules go into the runtime. jdeps misses what is loaded by name (EC crypto, locales, charsets, zip file system).
fx=$(ls "$out"/input/lib/javafx-*-"$os"*.jar "$out"/input/lib/controlsfx-*.jar 2>/dev/null | paste -sd: -)
found=$(jdeps -q --multi-release 17 --ignore-missing-deps --print-module-deps \
          --module-path "$fx" --class-path "$out/input/lib/*" target/custos.jar \
        | tr ',' '\n' | grep -E '^(java|jdk)\.' | paste -sd, -)
modules="$found,jdk.crypto.ec,jdk.localedata,jdk.charsets,jdk.zipfs,jdk.unsupported"
echo "runtime modules: $modules"
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/runtime"

# The classes a start loads (first window, cache, demo data), for the AppCDS archive that the Linux packages' postinst
# makes where the app is installed (see installer/jpackage/linux-resources/postinst). Needs a display: Xvfb here.
if [ "$os" = linux ] && command -v xvfb-run >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  cp_app=$(printf '%s:' "$out/input/custos.jar" "$out"/input/lib/*.jar)
  if xvfb-run -a "$out/runtime/bin/java" -Xshare:off -XX:DumpLoadedClassList="$out/input/custos.classlist" \
       -Dprism.order=sw -Dcustos.logdir="$tmp/logs" -cp "$cp_app" org.custos.app.Launcher --smoke --db "$tmp/cache" \
       >"$tmp/out.txt" 2>&1; then
    # Classes of signed jars (Saxon) cannot be archived, and Java 17's dump crashes on lambda proxies that implement
    # their interfaces (JDK-8274944): leave them out of the list.
    for jar in "$out"/input/lib/*.jar; do
      if jar tf "$jar" | grep -q '^META-INF/[^/]*\.SF$'; then
        jar tf "$jar" | sed -n 's/\.class$//p' >>"$tmp/signed.txt"
      fi
    done
    if [ -s "$tmp/signed.txt" ]; then
      awk 'NR == FNR { signed[$0] = 1; next }
           $1 == "@lambda-proxy" { iface = $4; sub(/^.*\)L/, "", iface); sub(/;$/, "", iface)
                                   if (($2 in signed) || (iface in signed)) next; print; next }
           !($1 in signed)' "$tmp/signed.txt" "$out/input/custos.classlist" >"$tmp/classlist"
      echo "class list: $(( $(wc -l <"$out/input/custos.classlist") - $(wc -l <"$tmp/classlist") )) entries of signed jars left out"
      mv "$tmp/classlist" "$out/input/custos.classlist"
    fi
    echo "class list for AppCDS: $(wc -l <"$out/input/custos.classlist") classes"
  else
    echo "no AppCDS class list (the smoke start failed):"; cat "$tmp/out.txt"; rm -f "$out/input/custos.classlist"
  fi
  rm -rf "$tmp"
else
  echo "no AppCDS class list: xvfb-run is not installed (apt-get install xvfb); the packages will start without it"
fi

for t in $types; do
  if [ "$t" = rpm ] && ! command -v rpmbuild >/dev/null 2>&1; then
    echo "skipping rpm: rpmbuild is not installed (apt-get install rpm)"; continue
  fi
  echo "jpackage --type $t"
  extra=()
  if [ "$t" != app-image ] && [ -f "installer/jpackage/$os-package.args" ]; then
    extra=("@installer/jpackage/$os-package.args")
  fi
  if [ -f "installer/jpackage/$os-$t.args" ]; then
    extra+=("@installer/jpackage/$os-$t.args")
  fi
  jpackage --type "$t" --app-version "$version" --input "$out/input" --runtime-image "$out/runtime" \
    --dest "$out" @installer/jpackage/common.args "@installer/jpackage/$os.args" "${extra[@]}"
done
ls -l "$out" | grep -v -e input -e runtime
