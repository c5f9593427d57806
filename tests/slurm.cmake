# Sweeps as separate `plastiscope train` processes (tests/slurm/slurm_test.py). sweep_array_by_hand
# needs no Slurm: the array job's elements run by hand equal a local sweep (with a grid), and bad
# input (--time, --grid, --collect on a folder that is not a sweep) fails with one line. The two
# tests labelled "slurm" start a one-node Slurm on localhost (munged, slurmctld, slurmd as root,
# configured in a temporary folder) and stop it at the end: a 3-seed sweep submitted, collected
# and compared with a local one; an element requeued mid-run resumes and ends as if never
# interrupted. They take one cluster each, so they do not run at the same time.
if(TARGET plastiscope)
  find_program(PS_SLURM_PY python3 PATHS /usr/bin NO_DEFAULT_PATH)
  set(PS_SLURM_TEST ${CMAKE_SOURCE_DIR}/tests/slurm/slurm_test.py)
  add_test(NAME sweep_array_by_hand COMMAND ${PS_SLURM_PY} ${PS_SLURM_TEST} $<TARGET_FILE:plastiscope> by-hand)
  set_tests_properties(sweep_array_by_hand PROPERTIES TIMEOUT 300)
  foreach(mode submit requeue)
    add_test(NAME slurm_${mode} COMMAND ${PS_SLURM_PY} ${PS_SLURM_TEST} $<TARGET_FILE:plastiscope> ${mode})
    set_tests_properties(slurm_${mode} PROPERTIES LABELS slurm TIMEOUT 600 RESOURCE_LOCK slurm_cluster)
  endforeach()
endif()
