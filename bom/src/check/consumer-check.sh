#!/usr/bin/env bash
# Checks that README's "Use it from Maven" snippet works in a new project, without touching
# ~/.m2: copies the local repository (a real copy, never hard links), installs this build into
# the copy, builds a throwaway consumer whose POM is the README's snippet verbatim, and renders a
# two-sentence story with it: first with the snippet's dependencies alone (LGPL natives, expects
# libopenh264), then with the -gpl natives added (expects libx264). Offline; about two minutes.
#   bom/src/check/consumer-check.sh [WORKDIR]    (default /tmp/storyreel-consumer-check)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work="${1:-/tmp/storyreel-consumer-check}"
repo="$work/repo"
rm -rf "$work"
mkdir -p "$work"
cp -a "$HOME/.m2/repository" "$repo"
(cd "$root" && mvn -B -ntp -q -o install -DskipTests -Dmaven.repo.local="$repo")

# The first xml block after the README heading, verbatim.
snippet="$(awk '/^## Use it from Maven/{f=1} f&&/^```xml/{x=1;next} x&&/^```/{exit} x' "$root/README.md")"
[ -n "$snippet" ] || { echo "no xml snippet under 'Use it from Maven' in README.md" >&2; exit 1; }
platform="$(sed -n 's/^-Djavacpp.platform=//p' "$root/.mvn/maven.config")"
app="$work/app"
mkdir -p "$app/src/main/java/example"
cp "$root/bom/src/check/Main.java" "$app/src/main/java/example/"
cat > "$app/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
$snippet
  <profiles>
    <profile>
      <id>gpl</id>
      <dependencies>
        <dependency>
          <groupId>org.bytedeco</groupId>
          <artifactId>ffmpeg</artifactId>
          <classifier>$platform-gpl</classifier>
        </dependency>
      </dependencies>
    </profile>
  </profiles>
  <build>
    <plugins>
      <!-- pinned only because this check runs offline -->
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
    </plugins>
  </build>
</project>
POM
status=0
for variant in lgpl gpl; do
  profile=""; want=libopenh264
  if [ "$variant" = gpl ]; then profile="-Pgpl"; want=libx264; fi
  (cd "$app" && mvn -B -ntp -q -o -Dmaven.repo.local="$repo" -Djavacpp.platform="$platform" $profile \
      compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -Dmdep.outputFile="$work/cp-$variant.txt")
  out="$(cd "$app" && java -Djava.awt.headless=true -cp "target/classes:$(cat "$work/cp-$variant.txt")" \
      example.Main "$work/out-$variant")"
  echo "$out"
  if grep -q "^ENCODER $want$" <<<"$out" && grep -q "\"encoder\" : \"$want\"" "$work/out-$variant/manifest.json"; then
    echo "ok: $variant natives encode with $want"
  else
    echo "FAILED: $variant natives should encode with $want" >&2; status=1
  fi
done
exit $status
