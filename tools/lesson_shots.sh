#!/usr/bin/env bash
# Screenshots of every step of every shipped lesson (assets/lessons/*.md) at 1280x720 under Xvfb,
# scaled to 800 px with a 128-colour palette (ffmpeg) into docs/lessons/LESSON-stepK.png.
#   bash tools/lesson_shots.sh [BIN]     (default build/plastiscope)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin=${1:-$root/build/plastiscope}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$root/docs/lessons"
for f in "$root"/assets/lessons/*.md; do
  b=$(basename "$f" .md)
  n=$(grep -c '^# ' "$f")
  args=(--lesson "$f" --size 1280x720 --at 0 speed=13)
  for ((k = 1; k <= n; k++)); do
    args+=(--at $((k * 40 - 5)) "screenshot=$tmp/$b-step$k.png")
    if [ "$k" -lt "$n" ]; then args+=(--at $((k * 40)) lesson-next); fi
  done
  XDG_CONFIG_HOME="$tmp/config" bash "$root/tools/xvfb.sh" -s "-screen 0 1280x720x24" "$bin" "${args[@]}" \
    --frames $((n * 40 + 10)) >/dev/null
  for ((k = 1; k <= n; k++)); do
    ffmpeg -loglevel error -y -i "$tmp/$b-step$k.png" \
      -vf "scale=800:-1:flags=lanczos,split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=none" \
      "$root/docs/lessons/$b-step$k.png"
  done
  echo "lesson_shots: $b: $n steps"
done
