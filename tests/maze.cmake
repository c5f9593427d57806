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
           COMMAND ${CMAKE_SOURCE_DIR}/tests/expect_fail.sh "size must be odd" -- $<TARGET_FILE:plastiscope>
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
