# Reliability (docs/reliability.md). The kill-mid-save and bad-value tests are unit tests
# (tests/unit/test_reliability*.cpp, tag [reliability]). Here: the GUI soak, `plastiscope --monkey`
# under Xvfb with a scripted random walk over tasks, presets, transport, training, sliders and
# files, and resident memory sampled (tools/soak.py; fails on a crash, any error output or RSS
# growth over the limit below). Registered in plain builds only: sanitizer runtimes change memory use.
# PS_SOAK_SECONDS: 60 in the test command; 600 for the 10-minute soak of the issue.
set(PS_SOAK_SECONDS 60 CACHE STRING "Length of the GUI soak ctest (soak_monkey), in seconds")
# The memory limit: 5 % for soaks of 10 minutes and more (the issue's figure). A 60 s random walk
# visits some heavy presets (N = 1051 patterns/bits50-nonplastic, images/paper) and their trainer
# buffers for the first time in its last quarter, which reads as 8-15 % "growth" without any leak
# (measured: -7.7 %, -0.01 %, 8.1 %, 12.1 %, 14.7 % in five 60 s runs); the short run in the test
# command therefore fails only on gross growth (30 %), and always on a crash or error output.
if(PS_SOAK_SECONDS LESS 600)
  set(ps_soak_growth 30)
else()
  set(ps_soak_growth 5)
endif()
# Frames (tools/soak.py scores every frame but screenshots): the GUI thread's own CPU time in a
# frame stays under 150 ms wherever the soak runs (the work done in a frame); its wall time under
# 250 ms on an idle machine (tools/soak.py's default, checked by hand: docs/reliability.md), and
# under PS_SOAK_BUSY_FRAME_MS when other work takes the cores. The ctests below never run on an
# idle machine (the test command builds in another lane meanwhile; soak_busy adds two busy loops),
# so they use the looser bound. Measured beside two busy loops and other jobs (load 6-8 on the 2
# cores): longest frames 320-853 ms, each with at most ~60 ms of GUI-thread CPU; the rest of such a
# frame is waiting for a core (the app and the X server each get a share of one), which no change
# in the app can remove. 2000 ms is twice the worst measured.
set(PS_SOAK_BUSY_FRAME_MS 2000 CACHE STRING "Longest frame allowed in the soak ctests (ms), machine under load")
find_program(PS_SOAK_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(PS_REL_XVFB Xvfb)   # the GUI runs below get a private server each (tools/xvfb.sh)
if(TARGET ps_gui AND NOT PS_SANITIZE AND PS_SOAK_PYTHON AND PS_REL_XVFB)
  math(EXPR ps_soak_timeout "${PS_SOAK_SECONDS} * 3 + 120")
  add_test(NAME soak_monkey
           COMMAND ${PS_SOAK_PYTHON} ${CMAKE_SOURCE_DIR}/tools/soak.py $<TARGET_FILE:plastiscope>
                   ${CMAKE_BINARY_DIR}/soak ${PS_SOAK_SECONDS} --max-growth ${ps_soak_growth}
                   --max-frame-ms ${PS_SOAK_BUSY_FRAME_MS} --max-frame-cpu-ms 150)
  set_tests_properties(soak_monkey PROPERTIES LABELS "soak;gui" TIMEOUT ${ps_soak_timeout} RESOURCE_LOCK soak)
  # The same soak with both cores taken by busy loops (tools/soak.py --busy 2): memory and frames
  # must hold on a machine busy with other work. Its own label: tools/test.sh runs it as a step of
  # its own, not beside the other tests. 30 s by default: the script has opened every task after
  # ~4 s (busy: ~10 s), and the loops take both cores from the test command's other lane.
  set(PS_SOAK_BUSY_SECONDS 30 CACHE STRING "Length of the busy GUI soak ctest (soak_busy), in seconds")
  add_test(NAME soak_busy
           COMMAND ${PS_SOAK_PYTHON} ${CMAKE_SOURCE_DIR}/tools/soak.py $<TARGET_FILE:plastiscope>
                   ${CMAKE_BINARY_DIR}/soak-busy ${PS_SOAK_BUSY_SECONDS} --busy 2 --max-growth ${ps_soak_growth}
                   --max-frame-ms ${PS_SOAK_BUSY_FRAME_MS} --max-frame-cpu-ms 150)
  set_tests_properties(soak_busy PROPERTIES LABELS "soak-busy" TIMEOUT ${ps_soak_timeout} RESOURCE_LOCK soak)
endif()

# A bad number in a script step (--at F wait-train=N) is a clear script error (exit 3, naming the
# value), not an exception escaping the frame loop; a good one still waits for the trainer.
if(TARGET plastiscope AND PS_BUILD_GUI AND PS_REL_XVFB)
  foreach(bad 12x 99999999999999999999 "")
    string(MAKE_C_IDENTIFIER "gui_script_bad_wait_train_${bad}" tname)
    add_test(NAME ${tname}
             COMMAND bash -c "out=$(bash ${CMAKE_SOURCE_DIR}/tools/xvfb.sh \"$0\" --task patterns --preset quick --frames 30 --at 2 train --at 3 'wait-train=${bad}' 2>&1); rc=$?; echo \"$out\"; if [ -z '${bad}' ]; then [ $rc = 0 ]; else [ $rc = 3 ] && echo \"$out\" | grep -q \"wait-train: '${bad}' is not a number of iterations\"; fi"
                     $<TARGET_FILE:plastiscope>)
    set_tests_properties(${tname} PROPERTIES LABELS "gui" TIMEOUT 300 RESOURCE_LOCK xvfb)
  endforeach()
endif()
