# Sweeps as separate `plastiscope train` processes (tests/slurm/slurm_test.py). sweep_array_by_hand
# needs no Slurm: the array job's elements run by hand equal a local sweep (with a grid). Bad input
# (--time, --mem, --grid, --collect on a folder that is not a sweep) fails with one line. The two
# tests labelled "slurm" start a one-node Slurm on localhost (munged, slurmctld, slurmd as root,
# configured in a temporary folder) and stop it at the end: a 3-seed sweep submitted, collected
# and compared with a local one; an element requeued mid-run resumes and ends as if never
# interrupted. They take one cluster each, so they do not run at the same time.
if(TARGET plastiscope)
  find_program(PS_SLURM_PY python3 PATHS /usr/bin NO_DEFAULT_PATH)
  set(PS_SLURM_TEST ${CMAKE_SOURCE_DIR}/tests/slurm/slurm_test.py)
  add_test(NAME sweep_array_by_hand COMMAND ${PS_SLURM_PY} ${PS_SLURM_TEST} $<TARGET_FILE:plastiscope> by-hand)
  set_tests_properties(sweep_array_by_hand PROPERTIES TIMEOUT 300)
  # bad input: one line naming the problem (ps_cli_fail: tests/cli.cmake)
  set(PS_SW_ARGS sweep --task bohp-completion --seeds 2 --episodes 20 --freeze-last 0 --out ${CMAKE_BINARY_DIR}/sweep-bad)
  ps_cli_fail(sweep_bad_time "--time must be HH:MM:SS or D-HH:MM:SS" ${PS_SW_ARGS} --slurm --dry-run --time 90)
  ps_cli_fail(sweep_bad_mem "--mem must be a size such as 4G" ${PS_SW_ARGS} --slurm --dry-run --mem lots)
  ps_cli_fail(sweep_grid_unknown_key "--grid: unknown key 'nope'" ${PS_SW_ARGS} --grid nope=1,2)
  ps_cli_fail(sweep_grid_out_of_range "--grid: bad value for 'lr': '5'" ${PS_SW_ARGS} --grid lr=0.01,5)
  ps_cli_fail(sweep_collect_not_a_sweep "is not a sweep folder" sweep --collect ${CMAKE_BINARY_DIR})
  ps_cli_fail(sweep_slurm_flag_alone "--time only applies with --slurm" ${PS_SW_ARGS} --time 1:00:00)
  foreach(mode submit requeue)
    add_test(NAME slurm_${mode} COMMAND ${PS_SLURM_PY} ${PS_SLURM_TEST} $<TARGET_FILE:plastiscope> ${mode})
    set_tests_properties(slurm_${mode} PROPERTIES LABELS slurm TIMEOUT 600 RESOURCE_LOCK slurm_cluster)
  endforeach()
endif()
