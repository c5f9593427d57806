# Maze CLI checks: a short train / resume / eval round trip (including the within-episode window
# metric), a clear error for a bad maze size, and `sweep --curve metric` (reward curves: the
# summary names the metric, the CSV is non-empty, the npz holds the metric; a bad --curve fails). The unit tests are in tests/unit/test_maze.cpp.
if(TARGET plastiscope)
  set(PS_MAZE_TMP ${CMAKE_BINARY_DIR}/maze-tmp)
  file(MAKE_DIRECTORY ${PS_MAZE_TMP})
  add_test(NAME maze_cli_train_resume_eval
           COMMAND sh -c "set -e; rm -rf r; \
             $<TARGET_FILE:plastiscope> train --task maze --preset quick --episodes 160 --checkpoint-every 80 --out r --quiet; \
             $<TARGET_FILE:plastiscope> train --task maze --preset quick --episodes 240 --resume --out r --quiet; \
             test $(tail -n 1 r/metrics.csv | cut -d, -f1) = 240; \
             $<TARGET_FILE:plastiscope> eval --checkpoint r/checkpoint.npz --episodes 20 eval_window=1 | grep 'reward per episode'"
           WORKING_DIRECTORY ${PS_MAZE_TMP})
  add_test(NAME maze_cli_even_size
           COMMAND ${CMAKE_SOURCE_DIR}/tests/expect_fail.sh "in steps of 2" -- $<TARGET_FILE:plastiscope>
                   train --task maze --episodes 8 size=8 --out ${PS_MAZE_TMP}/even)
  add_test(NAME maze_cli_sweep_metric
           COMMAND sh -c "set -e; rm -rf sw; \
             $<TARGET_FILE:plastiscope> sweep --task maze --preset quick --seeds 2 --episodes 64 --window 16 --threads 1 --freeze-last 0 --curve metric --out sw --quiet; \
             grep -q 'median reward per episode' sw/summary.txt; grep -q 'last 10% of each run' sw/summary.txt; \
             test $(wc -l < sw/curves.csv) = 5; test -s sw/curves.png; \
             python3 -c 'import zipfile,sys; n=zipfile.ZipFile(\"sw/losses.npz\").namelist(); sys.exit(0 if \"metric.npy\" in n and \"loss.npy\" in n else 1)'"
           WORKING_DIRECTORY ${PS_MAZE_TMP})
  add_test(NAME maze_cli_sweep_bad_curve
           COMMAND ${CMAKE_SOURCE_DIR}/tests/expect_fail.sh "--curve must be 'loss' or 'metric'" -- $<TARGET_FILE:plastiscope>
                   sweep --task maze --preset quick --seeds 1 --episodes 8 --freeze-last 0 --curve reward --out ${PS_MAZE_TMP}/badcurve)
  set_tests_properties(maze_cli_train_resume_eval maze_cli_even_size maze_cli_sweep_metric maze_cli_sweep_bad_curve
                       PROPERTIES TIMEOUT 300)
endif()

# The maze Task view's "reward curves" tab under Xvfb: the app opens the maze (default preset, the
# shipped checkpoint), shows the 5-seed plastic vs non-plastic curves from assets/maze/curves.csv
# (panel=expect=ok fails the run if the file was refused), prints the plot's rectangle, and the
# screenshot's plot region must not be uniform (axes, bands, median lines). Then a missing and a
# malformed curves file: the panel shows the reason (panel=expect=error), no crash, exit 0.
find_program(PS_MAZE_XVFB Xvfb)
if(BUILD_TESTING AND PS_BUILD_GUI AND PS_MAZE_XVFB AND TARGET ps_png_region)
  set(PS_MAZE_GUI ${CMAKE_BINARY_DIR}/gui-tests/maze)
  file(MAKE_DIRECTORY ${PS_MAZE_GUI})
  add_test(NAME gui_maze_curves
           COMMAND bash -c "set -e; out=${PS_MAZE_GUI}/curves.out; shot=${PS_MAZE_GUI}/curves.png; rm -f $shot; \
             bash ${CMAKE_SOURCE_DIR}/tools/xvfb.sh $<TARGET_FILE:plastiscope> --task maze \
               --frames 40 --at 3 panel=curves --at 5 panel=expect=ok --at 30 panel=report \
               --screenshot $shot --size 1600x960 > $out; \
             grep -q 'errors_shown=0' $out || { cat $out; echo 'FAIL: errors shown'; exit 1; }; \
             rect=$(grep '^maze-curves ' $out | head -1 | cut -d' ' -f2-); \
             test -n \"$rect\" || { cat $out; echo 'FAIL: the curves plot was not drawn'; exit 1; }; \
             echo \"plot at $rect\"; $<TARGET_FILE:ps_png_region> $shot $rect")
  add_test(NAME gui_maze_curves_bad_file
           COMMAND bash -c "set -e; out=${PS_MAZE_GUI}/bad.out; \
             bash ${CMAKE_SOURCE_DIR}/tools/xvfb.sh $<TARGET_FILE:plastiscope> --task maze --frames 12 \
               --at 2 panel=curves --at 3 panel=file=${PS_MAZE_GUI}/missing.csv --at 4 panel=expect=error \
               --at 6 panel=file=${CMAKE_SOURCE_DIR}/CMakeLists.txt --at 7 panel=expect=error > $out; \
             grep -q 'errors_shown=0' $out || { cat $out; echo 'FAIL: errors shown'; exit 1; }")
  set_tests_properties(gui_maze_curves gui_maze_curves_bad_file PROPERTIES LABELS "gui;maze" TIMEOUT 300
                       RESOURCE_LOCK xvfb ENVIRONMENT "HOME=${PS_MAZE_GUI}/home;XDG_CONFIG_HOME=${PS_MAZE_GUI}/config")
endif()
