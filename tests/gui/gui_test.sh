#!/usr/bin/env bash
# GUI tests of the real app under Xvfb + Mesa llvmpipe (registered by tests/gui.cmake).
#   gui_test.sh CASE APP PNG_TOOL WORKDIR
# Every case runs the app with scripted UI actions (the hidden --at FRAME ACTION flag drives the
# same functions as the buttons and the File menu) and checks its exit code, that it printed no
# error output, and what it wrote. Settings go to WORKDIR/config (XDG_CONFIG_HOME), never ~.
set -u
case_=$1 app=$2 png=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
export XDG_CONFIG_HOME="$work/config"
XVFB=(bash "$(dirname "${BASH_SOURCE[0]}")/../../tools/xvfb.sh")   # a private X server per run

fail() {
  echo "FAIL ($case_): $*"
  echo "--- stdout"; cat "$work/out" 2>/dev/null
  echo "--- stderr"; cat "$work/err" 2>/dev/null
  exit 1
}
run() {   # run the app under Xvfb; rc, out, err
  "${XVFB[@]}" "$app" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  echo "+ plastiscope $* -> exit $rc"
}
expect_ok() {
  [ "$rc" = 0 ] || fail "exit code $rc, expected 0"
  [ ! -s "$work/err" ] || fail "unexpected error output"
}
summary() { grep '^plastiscope-gui:' "$work/out" || fail "no summary line"; }
field() { summary | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# The heatmap region of the screenshot is not uniform: the view named H if the task has one,
# else at least one of its matrix views.
heatmap_check() {
  local shot=$1 line ok=0
  [ -s "$shot" ] || fail "no screenshot $shot"
  if grep -q '^view H ' "$work/out"; then
    line=$(grep '^view H ' "$work/out" | head -1)
    set -- $line
    "$png" "$shot" "$3" "$4" "$5" "$6" || fail "the H heatmap is uniform in $shot"
    return
  fi
  while read -r _ name x y w h; do
    if "$png" "$shot" "$x" "$y" "$w" "$h"; then ok=1; fi
  done < <(grep '^view ' "$work/out")
  [ "$ok" = 1 ] || fail "no matrix view with content in $shot"
}
# open, step, reset, train, stop, screenshot: the scenario every task goes through
scenario=(--at 3 play --at 12 step --at 14 step --at 16 restart --at 18 play --at 24 new-episode
          --at 26 train --at 27 wait-train=1 --at 40 pause-train --at 42 use-latest --at 44 train
          --at 45 wait-train=1 --at 60 stop-train --at 62 focus=1,2)

case "$case_" in
  smoke)   # the default task, the whole scenario, a screenshot with content
    run --frames 90 "${scenario[@]}" --screenshot "$work/smoke.png"
    expect_ok
    [ "$(field live_steps)" -gt 10 ] || fail "the live network did not step"
    [ "$(field train_iterations)" -gt 0 ] || fail "no training iteration"
    heatmap_check "$work/smoke.png"
    ;;
  each_task)   # every registered task opens, steps, resets, trains, stops and draws
    tasks=$("$app" --list-tasks) || fail "--list-tasks failed"
    [ -n "$tasks" ] || fail "no task registered"
    for t in $tasks; do
      run --task "$t" --frames 80 "${scenario[@]}" --screenshot "$work/$t.png"
      expect_ok
      [ "$(field task)" = "$t" ] || fail "opened $(field task), not $t"
      [ "$(field live_steps)" -gt 0 ] || fail "$t: the live network did not step"
      [ "$(field train_iterations)" -gt 0 ] || fail "$t: no training iteration"
      heatmap_check "$work/$t.png"
    done
    ;;
  task_panels)   # task views: the BOHP multi-seed sweep runs from its panel (plain and alpha >= 0);
                 # each task's own view opens, draws from its payload and takes its script actions
    run --task bohp-reversal --frames 40 --at 2 panel=seeds=4 --at 2 panel=episodes=3000 --at 3 panel=run \
        --at 5 panel=wait --at 6 play --at 30 expect-no-error --screenshot "$work/bohp.png"
    expect_ok
    [ -s "$work/bohp.png" ] || fail "no screenshot"
    run --task bohp-oneshot --frames 10 --at 2 panel=nonsense --at 5 expect-error --at 6 dismiss-error
    expect_ok
    # flp-sine: every tab of its view draws from the payload; pin= is range-checked
    run --task flp-sine --frames 24 --at 2 play-to=25 --at 4 panel=expect-drawn --at 5 panel=losses \
        --at 7 panel=alignment --at 9 panel=pin=3 --at 10 panel=fits --at 12 panel=expect-drawn --at 13 expect-no-error \
        --at 14 panel=pin=11 --at 16 expect-error --at 17 dismiss-error
    expect_ok
    # images: its view draws from the payload before and after the probe
    run --task images --frames 12 --at 2 panel=expect-drawn --at 3 scrub=201 --at 5 panel=expect-drawn --at 7 expect-no-error
    expect_ok
    # omniglot: the episode and the failure gallery
    run --task omniglot --frames 12 --at 2 panel=expect-drawn --at 3 scrub=6 --at 4 panel=failures --at 6 panel=episode \
        --at 7 panel=expect-drawn --at 8 expect-no-error
    expect_ok
    # flp-classify: its images and answers, then the shared loss and alignment tabs
    run --task flp-classify --frames 14 --at 2 scrub=13 --at 3 panel=expect-drawn --at 4 panel=losses --at 6 panel=alignment \
        --at 8 panel=images --at 9 expect-no-error
    expect_ok
    # BOHP: the network diagram, each edge quantity, then the sweep tab
    run --task bohp-reversal --frames 14 --at 2 scrub=12 --at 3 panel=network --at 4 panel=expect-drawn \
        --at 5 panel=edges=effective --at 6 panel=edges=hebb --at 7 panel=edges=w --at 8 panel=sweep --at 9 expect-no-error \
        --at 10 panel=edges=nonsense --at 11 expect-error --at 12 dismiss-error
    expect_ok
    ;;
  corrupt_menu)   # File > Open checkpoint on a corrupt / truncated file: an error popup, the app runs on
    printf 'PK\003\004 not really a zip' >"$work/corrupt.npz"
    run --frames 40 --at 2 save-checkpoint="$work/good.npz" --at 8 play
    expect_ok
    [ -s "$work/good.npz" ] || fail "no checkpoint saved"
    head -c $(( $(stat -c %s "$work/good.npz") / 2 )) "$work/good.npz" >"$work/truncated.npz"
    run --frames 60 --at 5 open-checkpoint="$work/corrupt.npz" --at 6 expect-error --at 10 dismiss-error \
        --at 11 expect-no-error --at 12 play --at 20 open-checkpoint="$work/truncated.npz" --at 21 expect-error \
        --at 25 dismiss-error --at 26 open-checkpoint="$work/good.npz" --at 27 expect-no-error --at 28 play \
        --screenshot "$work/after.png"
    expect_ok
    [ "$(field errors_shown)" = 2 ] || fail "expected 2 error popups, got $(field errors_shown)"
    [ "$(field live_steps)" -gt 10 ] || fail "the app did not keep stepping after the errors"
    heatmap_check "$work/after.png"
    ;;
  bad_value)   # settings: a value off the grid is refused at once; one that clashes with another
               # stops the live network with a message (no stepping of a half-updated task: the soak
               # once crashed there) until it is fixed
    run --task maze --frames 40 --at 3 set=size=14 --at 4 expect-error --at 5 dismiss-error --at 6 restart \
        --at 7 step --at 8 step --at 9 expect-no-error
    expect_ok
    [ "$(field errors_shown)" = 1 ] || fail "maze size=14: expected 1 error popup, got $(field errors_shown)"
    [ "$(field live_steps)" -ge 2 ] || fail "maze: the live network did not step after the refused size"
    # swap_at=999 passes its own range but not steps=20: each new episode says so; a step in
    # between begins the episode again first (the task replays its last good one).
    run --task bohp-reversal --frames 60 --at 3 set=swap_at=999 --at 4 expect-no-error --at 5 new-episode \
        --at 6 expect-error --at 7 dismiss-error --at 8 step --at 8 expect-no-error --at 9 new-episode \
        --at 9 expect-error --at 10 dismiss-error \
        --at 11 set=swap_at=10 --at 12 new-episode --at 13 expect-no-error --at 14 step --at 15 step --at 16 step \
        --at 17 expect-no-error
    expect_ok
    [ "$(field errors_shown)" = 2 ] || fail "swap_at=999: expected 2 error popups, got $(field errors_shown)"
    [ "$(field live_steps)" -ge 3 ] || fail "the live network did not step again once swap_at was fixed"
    ;;
  extreme)   # extreme but valid values: N = 4096, eta = 1, the largest learning rate; the
             # network is built off the GUI thread, Stop cancels a training step of many seconds,
             # a task switch retires that trainer on a thread of its own. The longest frame is
             # printed for the record (docs/reliability.md), not judged here: timing is the
             # benchmarks' business.
    run --task patterns --frames 60 --at 3 set=pattern_size=4095 --at 4 rebuild --at 6 set=eta_override=1 \
        --at 7 set=lr=1 --at 8 train --at 9 play --at 30 stop-train --at 31 train --at 40 stop-train \
        --at 42 task=maze --at 44 play --at 50 expect-no-error
    expect_ok
    [ "$(field task)" = maze ] || fail "the task switch after N = 4096 did not happen"
    [ "$(field live_steps)" -gt 5 ] || fail "the live network did not step"
    echo "longest frame: $(field longest_frame_ms) ms (frame $(field longest_frame))"
    ;;
  open_no_stall)   # the GUI thread's own CPU time in the frame that swaps a new network in: the
             # builder's thread builds it and begins its first episode (Omniglot's first episode
             # encodes a failure gallery into fresh buffers: 130-180 ms in that frame when the lab
             # began it). CPU time, not wall: what the frame did, whatever else the machine runs.
    run --task patterns --frames 200 --at 20 task=omniglot --at 120 task=flp-sine --frame-log "$work/frames.csv"
    expect_ok
    [ "$(field task)" = flp-sine ] || fail "the task switches did not happen"
    for t in omniglot flp-sine; do
      # columns: frame,...,cpu_ms (11),measured,building,task (14): the first frame of the new task
      cpu=$(awk -F, -v t="$t" 'NR > 1 && index($14, t "/") == 1 { print $11; exit }' "$work/frames.csv")
      [ -n "$cpu" ] || fail "no frame of $t in the frame log"
      echo "$t: the swap frame used $cpu ms of the GUI thread's CPU"
      awk -v c="$cpu" 'BEGIN { exit !(c < 60) }' || fail "$t: the frame that swapped the network in used $cpu ms of the GUI thread's CPU (limit 60)"
    done
    ;;
  history)   # time in the lab: the meta-training timeline, scrubbing back, a tracked synapse, a twin
             # without plasticity with its difference views, a branch from the past and its ghost
    run --frames 70 --at 2 train --at 3 wait-train=60 --at 4 pause-train --at 6 timeline=1 --at 8 scrub=40 \
        --at 10 scrub=12 --at 11 track=3,7 --at 12 twin=no-plasticity --at 13 compare=diff \
        --at 14 set=eta_override=0.05 --at 16 export-tracked="$work/tracked.csv" --at 18 expect-no-error \
        --screenshot "$work/history.png"
    expect_ok
    [ "$(field timeline_entries)" -gt 1 ] || fail "no meta-training timeline after 60 iterations"
    [ "$(field timeline)" = 1 ] || fail "timeline=1 not shown"
    [ "$(field shown_step)" = 12 ] || fail "scrub=12 shows step $(field shown_step)"
    [ "$(field recorded)" = 12 ] || fail "the change at step 12 did not branch (recorded to $(field recorded))"
    [ "$(field ghost)" = 1 ] || fail "no ghost after the branch"
    [ "$(field twin)" = no-plasticity ] || fail "twin is $(field twin)"
    [ "$(field tracked)" -ge 5 ] || fail "tracked series: $(field tracked)"
    head -1 "$work/tracked.csv" | grep -q '^t,H\[3,7\]' || fail "tracked.csv has no H[3,7] column"
    [ "$(wc -l <"$work/tracked.csv")" -ge 14 ] || fail "tracked.csv is short"
    heatmap_check "$work/history.png"
    # A trained non-plastic twin where one ships; a bad twin is refused with a message.
    run --task images --frames 30 --at 2 twin=baseline --at 3 scrub=30 --at 5 expect-no-error --at 6 twin=eta=fast \
        --at 7 expect-error --at 8 dismiss-error --screenshot "$work/images-twin.png"
    expect_ok
    [ "$(field twin)" = baseline ] || fail "images: twin=baseline gave $(field twin)"
    ;;
  lessons)   # every shipped lesson end to end at full speed: each step's actions run, no error, the
             # last step reached; a bad lesson file is one line naming its line
    lessons_dir="$(dirname "${BASH_SOURCE[0]}")/../../assets/lessons"
    for f in "$lessons_dir"/*.md; do
      [ "$(basename "$f")" = README.md ] && continue
      n=$(grep -c '^# ' "$f")
      args=(--lesson "$f" --size 1280x720 --at 0 speed=13)
      for ((k = 1; k < n; k++)); do args+=(--at $((k * 25)) lesson-next); done
      args+=(--at $((n * 25 + 20)) expect-no-error)
      run "${args[@]}" --frames $((n * 25 + 30)) --screenshot "$work/$(basename "$f" .md).png"
      expect_ok
      [ "$(field lesson_step)" = "$n" ] || fail "$(basename "$f"): reached step $(field lesson_step) of $n"
      [ "$(field errors_shown)" = 0 ] || fail "$(basename "$f"): $(field errors_shown) error(s) shown"
    done
    printf -- '---\ntitle: bad\nminutes: 3\n---\n# One\nA caption.\ndo: play; plya\n' >"$work/bad.md"
    run --lesson "$work/bad.md" --frames 3
    [ "$rc" = 2 ] || fail "a bad lesson: exit code $rc, expected 2"
    grep -q "bad.md line 7: unknown action 'plya'" "$work/err" || fail "the error does not name line 7"
    [ "$(wc -l <"$work/err")" = 1 ] || fail "expected one line of error output"
    ;;
  view)   # a recording in the lab: scrub, track; a bad recording is one line naming the array
    "$app" record --task patterns --seed 2 --out "$work/r.npz" >/dev/null || fail "record failed"
    run view "$work/r.npz" --frames 30 --at 2 scrub=50 --at 4 track=3,7 --at 6 scrub=20 --screenshot "$work/view.png"
    expect_ok
    [ "$(field task)" = recording ] || fail "opened $(field task), not the recording"
    [ "$(field shown_step)" = 20 ] || fail "scrub=20 shows step $(field shown_step)"
    [ "$(field tracked)" -ge 3 ] || fail "tracked series: $(field tracked)"
    heatmap_check "$work/view.png"
    /usr/bin/python3 -c "import numpy as np; d = dict(np.load('$work/r.npz')); d['x'][3, 4] = np.nan; np.savez('$work/nan.npz', **d)" \
      || fail "numpy could not write the bad recording"
    run view "$work/nan.npz" --frames 3
    [ "$rc" = 2 ] || fail "a recording with NaN: exit code $rc, expected 2"
    grep -q "array 'x' holds NaN" "$work/err" || fail "the error does not name the array"
    [ "$(wc -l <"$work/err")" = 1 ] || fail "expected one line of error output"
    ;;
  export)   # File > Export: the episode as it was shown (a branch included) as GIF and MP4, a view as PNG
    run --task images --frames 30 --at 2 scrub=60 --at 3 set=eta_override=0.02 --at 4 export="$work/e.gif" \
        --at 5 wait-export --at 6 export-views=H,activity --at 7 export="$work/e.mp4" --at 8 wait-export \
        --at 9 export-png=W+A*H:1024 --at 10 export="$work/v.png" --at 11 wait-export --at 12 expect-no-error \
        --at 14 export="$work/x.txt" --at 15 expect-error --at 16 dismiss-error
    expect_ok
    for f in e.gif e.mp4 v.png; do [ -s "$work/$f" ] || fail "no $f"; done
    if command -v ffprobe >/dev/null; then
      n=$(ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$work/e.gif")
      [ "$n" = 61 ] || fail "e.gif has $n frames, expected 61 (t = 0..60: the branch at 60 ends the episode)"
    fi
    "$png" "$work/v.png" 20 40 900 900 || fail "the exported view is uniform"
    ;;
  corrupt_flag)   # --checkpoint on a corrupt file: one clear line, exit 2
    printf 'PK\003\004 not really a zip' >"$work/corrupt.npz"
    run --frames 5 --checkpoint "$work/corrupt.npz"
    [ "$rc" = 2 ] || fail "exit code $rc, expected 2"
    [ "$(wc -l <"$work/err")" = 1 ] || fail "expected one line of error output"
    grep -q 'corrupt.npz' "$work/err" || fail "the message does not name the file"
    ;;
  bad_flag)
    run --frames 5 --frobnicate
    [ "$rc" = 2 ] || fail "exit code $rc, expected 2"
    grep -q 'unknown option --frobnicate' "$work/err" || fail "the message does not name the flag"
    run --frames abc
    [ "$rc" = 2 ] && grep -q -- '--frames expects an integer' "$work/err" || fail "bad --frames value not reported"
    run --task no-such-task --frames 3
    [ "$rc" = 2 ] && grep -q "unknown task 'no-such-task'" "$work/err" || fail "unknown task not reported"
    ;;
  no_display)   # no X at all: one line pointing to --headless / train, exit 1
    env -u DISPLAY -u WAYLAND_DISPLAY "$app" --frames 3 >"$work/out" 2>"$work/err"
    rc=$?
    [ "$rc" = 1 ] || fail "exit code $rc, expected 1"
    [ "$(wc -l <"$work/err")" = 1 ] || fail "expected exactly one line"
    grep -q 'no display' "$work/err" && grep -q -- '--headless' "$work/err" || fail "unhelpful message"
    ;;
  remember)   # the last task is remembered in the per-user folder, not the working directory
    second=$("$app" --list-tasks | sed -n 2p)
    [ -n "$second" ] || second=$("$app" --list-tasks | sed -n 1p)
    cd "$work" || fail "no work dir"
    run --task "$second" --frames 3
    expect_ok
    [ -s "$work/config/plastiscope/state.json" ] || fail "no state.json in XDG_CONFIG_HOME/plastiscope"
    [ -s "$work/config/plastiscope/imgui.ini" ] || fail "no imgui.ini in XDG_CONFIG_HOME/plastiscope"
    [ ! -e "$work/imgui.ini" ] || fail "imgui.ini written to the working directory"
    run --frames 3
    expect_ok
    [ "$(field task)" = "$second" ] || fail "reopened $(field task), expected the last task $second"
    ;;
  files)   # config JSON round trip, checkpoint save + reopen, screenshot from the File menu path
    task=$("$app" --list-tasks | head -1)
    run --task "$task" --frames 40 --at 2 save-config="$work/a.json" --at 4 train --at 5 wait-train=2 \
        --at 8 save-checkpoint="$work/c.npz" --at 12 stop-train --at 14 screenshot="$work/menu.png"
    expect_ok
    [ -s "$work/a.json" ] && [ -s "$work/c.npz" ] && [ -s "$work/menu.png" ] || fail "a file is missing"
    grep -q '"preset"' "$work/a.json" || fail "config has no preset"
    run --task "$task" --config "$work/a.json" --frames 5
    expect_ok
    run --checkpoint "$work/c.npz" --frames 5
    expect_ok
    [ "$(field task)" = "$task" ] || fail "the checkpoint did not open its task"
    [ "$(field train_iterations)" -gt 0 ] || fail "the checkpoint's iteration count was lost"
    printf '{"no_such_key": 1}' >"$work/bad.json"
    run --task "$task" --config "$work/bad.json" --frames 3
    [ "$rc" = 2 ] && grep -q "no_such_key" "$work/err" || fail "a bad config is not reported"
    run --task "$task" --frames 20 --at 3 open-config="$work/bad.json" --at 4 expect-error --at 5 dismiss-error
    expect_ok
    ;;
  monkey)   # random clicks, drags, wheel and keys on every panel: no crash, no error output
    run --monkey 25 --at 5 play --at 6 train
    expect_ok
    summary >/dev/null
    ;;
  *)
    echo "unknown case $case_"
    exit 2
    ;;
esac
echo "PASS ($case_)"
