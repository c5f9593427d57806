# `plastiscope record`: bad flags and cells give one clear line; a recording opens in numpy with the
# documented arrays and shapes (docs/recording-format.md).
set(PS_BIN $<TARGET_FILE:plastiscope>)
set(PS_EXPECT ${CMAKE_SOURCE_DIR}/tests/expect_fail.sh)
set(PS_REC_TMP ${CMAKE_BINARY_DIR}/record-tmp)
file(MAKE_DIRECTORY ${PS_REC_TMP})
function(ps_record_fail name pattern)
  add_test(NAME cli_record_${name} COMMAND ${PS_EXPECT} "${pattern}" -- ${PS_BIN} record ${ARGN})
endfunction()
ps_record_fail(needs_out "--out FILE.npz is required" --task patterns)
ps_record_fail(not_npz "--out must name a .npz, .gif or .mp4 file" --task patterns --out x.txt)
ps_record_fail(bad_view "no view 'Q' in this task" --task patterns --views H,Q --out ${PS_REC_TMP}/a.gif)
ps_record_fail(views_need_animation "are for a .gif or .mp4" --task patterns --views H --out ${PS_REC_TMP}/a.npz)
ps_record_fail(bad_size "--size" --task patterns --size 9 --out ${PS_REC_TMP}/a.gif)
ps_record_fail(bad_track "--track expects" --task patterns --track 3 --out ${PS_REC_TMP}/a.npz)
ps_record_fail(track_outside "outside H" --task patterns --track 3,9999 --out ${PS_REC_TMP}/a.npz)
ps_record_fail(track_no_view "no view 'Q'" --task patterns --track Q:1,1 --out ${PS_REC_TMP}/a.npz)
ps_record_fail(both_modes "exclude each other" --task patterns --full --tracked-only --out ${PS_REC_TMP}/a.npz)
ps_record_fail(unknown_task "unknown task 'nope'" --task nope --out ${PS_REC_TMP}/a.npz)
find_program(PS_SYS_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(PS_SYS_PYTHON)
  add_test(NAME cli_record_numpy
           COMMAND sh -c "set -e; ${PS_BIN} record --task patterns --seed 3 --track 2,5 --out r.npz; \
             ${PS_SYS_PYTHON} -c \"import numpy as np, json; d = np.load('r.npz'); T = d['view/H'].shape[0]; \
assert d['x'].shape == (T + 1, 201) and d['inputs'].shape[0] == T and d['scalars/eta'].shape == (T,); \
assert d['track/H/2_5'].shape == (T,) and np.array_equal(d['track/H/2_5'], d['view/H'][:, 2, 5]); \
assert bytes(d['meta/task']).decode() == 'patterns' and json.loads(bytes(d['meta/config']).decode())['preset'] == 'quick'; \
assert (d['x'][0] == 0).all() and abs(d['view/H'][-1]).max() > 0; print('ok', T)\""
           WORKING_DIRECTORY ${PS_REC_TMP})
endif()
# Animations: at least 20 frames each, the step number drawn in (ffprobe counts the frames).
find_program(PS_FFPROBE ffprobe)
if(PS_FFPROBE)
  add_test(NAME cli_record_animation
           COMMAND sh -c "set -e; ${PS_BIN} record --task patterns --seed 3 --out e.gif; \
             ${PS_BIN} record --task maze --steps 40 --views activity --size 128 --fps 20 --out e.mp4; \
             g=$(${PS_FFPROBE} -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 e.gif); \
             m=$(${PS_FFPROBE} -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 e.mp4); \
             echo gif $g mp4 $m; test $g -ge 20 && test $m -eq 41"
           WORKING_DIRECTORY ${PS_REC_TMP})
endif()
