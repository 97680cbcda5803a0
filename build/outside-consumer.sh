#!/usr/bin/env bash
# An application outside the repository, made as a new user makes one, against packages from a folder feed:
#   1. copies the repository's files (git ls-files) to a temporary folder and packs Ffr.MLNet.Balancing,
#      .Transforms, .Trainers, .Generation, .Experiments and the ffr tool (for this machine's platform) into a folder feed,
#      with a version of its own (1.0.0-outside.<time>), so no package cached before is reused;
#   2. creates a console project with `dotnet new console` in that temporary folder, adds the packages from
#      the feed (`dotnet add package`; dependencies come from the machine's usual NuGet sources), builds it
#      and runs build/outside-consumer/Program.cs: a one-chain FFR fit on the embedded benchmark data
#      (1 epoch each phase), saved; the pretrained ResNet-18 for one epoch (its weights come with
#      Microsoft.ML.DnnImageFeaturizer.ResNet18); then, in a second process, the zip loaded in a fresh
#      MLContext and one image predicted;
#   3. checks that the build stops, naming FfrTorchBackend, for a platform without a default libtorch;
#   4. installs the tool from the feed with `dotnet tool install --tool-path` and runs `ffr --version`
#      and `ffr analyze` on benchmark data written by `ffr benchmark-data`.
# Prints the package sizes. Exit 0 when everything works. Keeps the temporary folder with FFR_KEEP_WORK=1.
# FFR_DOTNET_LOCK=<file> runs every dotnet command under `flock <file>` (for machines that share cores).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ffr-outside-consumer.XXXXXX")"
version="1.0.0-outside.$(date +%s).$$"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"

cleanup() {
    local status=$?
    for id in ffr.mlnet.balancing ffr.mlnet.transforms ffr.mlnet.trainers ffr.mlnet.generation ffr.mlnet.experiments ffr.mlnet.cli "ffr.mlnet.cli.$rid"; do
        rm -rf "$packages/$id/$version"
    done
    if [[ "${FFR_KEEP_WORK:-}" == 1 ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
    exit $status
}

dn() {
    if [[ -n "${FFR_DOTNET_LOCK:-}" ]]; then flock "$FFR_DOTNET_LOCK" dotnet "$@"; else dotnet "$@"; fi
}

step() { echo; echo "== $*"; }
fail() { echo "outside consumer: FAILED: $*" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    Darwin-arm64) rid=osx-arm64 ;;
    MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) rid=win-x64 ;;
    *) echo "outside consumer: no default libtorch for $(uname -s)-$(uname -m); nothing to check." >&2; exit 1 ;;
esac
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step "1. pack $version into $work/feed"
mkdir -p "$work/source" "$work/feed"
if git -C "$repo" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/source" 2> /dev/null || true)
else
    (cd "$repo" && tar --exclude=bin --exclude=obj --exclude=artifacts --exclude=.git -cf - .) | (cd "$work/source" && tar -xf -)
fi
[[ -f "$work/source/Ffr.MLNet.sln" ]] || fail "could not copy the repository to $work/source"
export FfrToolRids="$rid"
dn pack "$work/source/src/Cli/Ffr.MLNet.Cli.csproj" -c Release -p:VersionSuffix="${version#1.0.0-}" -p:PackageOutputPath="$work/feed/" -nologo -v q
for project in Balancing Transforms Trainers Generation Experiments; do
    dn pack "$work/source/src/$project/Ffr.MLNet.$project.csproj" -c Release --no-build -p:VersionSuffix="${version#1.0.0-}" -p:PackageOutputPath="$work/feed/" -nologo -v q
done
unset FfrToolRids
ls -l "$work/feed"

step "2. a console application with the packages"
# Stop MSBuild's search for Directory.Build.* and NuGet's for nuget.config at the work folder; the feed comes
# first, the machine's own sources (inherited) serve the dependencies.
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' > "$work/$f"; done
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="ffr-local-feed" value="$work/feed" />
  </packageSources>
</configuration>
XML
cd "$work"
dn new console -n Consumer -o app -f net10.0 --no-restore > /dev/null
cp "$repo/build/outside-consumer/Program.cs" app/Program.cs
dn add app/Consumer.csproj package Ffr.MLNet.Trainers --version "$version"
dn add app/Consumer.csproj package Ffr.MLNet.Generation --version "$version"
dn add app/Consumer.csproj package Ffr.MLNet.Experiments --version "$version"
dn build app/Consumer.csproj -c Release -nologo -v n > build.log || { tail -40 build.log; fail "the application does not build"; }
grep -E "Ffr\.MLNet: " build.log | sed 's/^ *//' || true
out=app/bin/Release/net10.0
[[ -f "$out/DnnImageModels/ResNet18Onnx/ResNet18.onnx" ]] || fail "DnnImageModels/ResNet18Onnx/ResNet18.onnx is not in the output"
case "$rid" in
    linux-x64) [[ -f "$out/runtimes/linux-x64/native/libtorch_cpu.so" ]] || fail "the linux-x64 libtorch is not in the output" ;;
esac
for other in linux-x64/native/libtorch_cpu.so win-x64/native/torch_cpu.dll osx-arm64/native/libtorch_cpu.dylib; do
    [[ "$other" == "$rid"/* ]] && continue
    [[ ! -e "$out/runtimes/$other" ]] || fail "the output holds another platform's libtorch: runtimes/$other"
done
echo "output folder: $(du -sh "$out" | cut -f1)"
mkdir -p run
dotnet "$out/Consumer.dll" "$work/run" train | tee run.log
grep -q "outside consumer: trained and saved" run.log || fail "the application did not train"
dotnet "$out/Consumer.dll" "$work/run" predict | tee predict.log
grep -q "outside consumer: loaded and predicted" predict.log || fail "the application did not load the model and predict in a fresh process"

step "3. a platform without a default libtorch stops the build, naming the property"
if dn build app/Consumer.csproj -c Release -nologo -v q -p:FfrTorchRid=linux-arm64 > unsupported.log 2>&1; then fail "the build for linux-arm64 did not stop"; fi
grep -q "FFR0002" unsupported.log && grep -q "FfrTorchBackend=none" unsupported.log && grep -q "libtorch-cpu-linux-arm64" unsupported.log \
    || { cat unsupported.log; fail "the linux-arm64 build stopped without naming FfrTorchBackend and the package"; }
grep -m1 -o "Ffr.MLNet.Trainers brings[^[]*" unsupported.log

step "4. the ffr tool from the feed"
dn tool install Ffr.MLNet.Cli --version "$version" --tool-path "$work/tools"
printed="$("$work/tools/ffr" --version)"
[[ "$printed" == "$version" ]] || fail "ffr --version printed '$printed', not '$version'"
echo "ffr --version: $printed"
# The installed tool is compiled ahead of time (ReadyToRun: PublishReadyToRun in src/Cli), ours and the libraries' assemblies
# alike; a ReadyToRun image carries the header signature "RTR\0", an IL-only one does not.
installed="$(dirname "$(find "$work/tools/.store" -name ffr.dll -path "*/tools/*" | head -1)")"
for assembly in ffr.dll Ffr.MLNet.Trainers.dll TorchSharp.dll Microsoft.ML.Data.dll; do
    LC_ALL=C grep -qaP 'RTR\x00' "$installed/$assembly" || fail "the installed tool's $assembly is not ReadyToRun ($installed)"
done
echo "ReadyToRun: ffr.dll, Ffr.MLNet.Trainers.dll, TorchSharp.dll, Microsoft.ML.Data.dll"
"$work/tools/ffr" benchmark-data --out "$work/bench" --bias-rate 0.95 > /dev/null
"$work/tools/ffr" analyze --manifest "$work/bench/manifest.csv" | tee analyze.log
grep -q "tshirt" analyze.log || fail "ffr analyze printed no subgroup report"
echo "tool folder: $(du -sh "$work/tools" | cut -f1)"

echo
echo "outside consumer: all checks passed"
