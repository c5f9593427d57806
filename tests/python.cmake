# The Python module (label `python`, run with Debian's /usr/bin/python3): the module against the
# CLI bit for bit, PlasticNet.backward against finite differences, every task through Task, bad
# arguments, Ctrl-C, the examples (the recording checked by `plastiscope view --check`), and the
# install rule.
if(NOT PS_PYTHON)
  return()
endif()
set(PS_PY_TMP ${CMAKE_BINARY_DIR}/python-tmp)
file(MAKE_DIRECTORY ${PS_PY_TMP})
set(PS_PY_ENV "PYTHONPATH=${CMAKE_BINARY_DIR}/python" "PYTHONDONTWRITEBYTECODE=1")
set(PS_PY_TESTS ${CMAKE_SOURCE_DIR}/tests/python)

add_test(NAME python_vs_cli COMMAND ${Python_EXECUTABLE} ${PS_PY_TESTS}/test_vs_cli.py $<TARGET_FILE:plastiscope> ${PS_PY_TMP}/vs-cli)
add_test(NAME python_net_grad COMMAND ${Python_EXECUTABLE} ${PS_PY_TESTS}/test_net_grad.py)
add_test(NAME python_tasks COMMAND ${Python_EXECUTABLE} ${PS_PY_TESTS}/test_tasks.py ${PS_PY_TMP}/tasks)
add_test(NAME python_errors COMMAND ${Python_EXECUTABLE} ${PS_PY_TESTS}/test_errors.py ${PS_PY_TMP}/errors)
add_test(NAME python_interrupt COMMAND ${Python_EXECUTABLE} ${PS_PY_TESTS}/test_interrupt.py)
# The numpy example's recording passes the viewer's checks (and holds a completed pattern).
add_test(NAME python_example_numpy
         COMMAND sh -c "set -e; ${Python_EXECUTABLE} ${CMAKE_SOURCE_DIR}/examples/numpy_recorder.py numpy.npz | tee out.txt; \
           grep -q ', 0% of them wrong at the end' out.txt; \
           $<TARGET_FILE:plastiscope> view --check numpy.npz | grep -q 'a recording of 18 steps, 36 neurons.*view/H'"
         WORKING_DIRECTORY ${PS_PY_TMP})
# The PyTorch example (15 s of training here, a minute by default) where python3-torch is installed.
add_test(NAME python_example_torch
         COMMAND sh -c "if ! ${Python_EXECUTABLE} -c 'import torch' 2>/dev/null; then \
             echo 'python3-torch is not installed: the PyTorch example is skipped'; exit 77; fi; set -e; \
           ${Python_EXECUTABLE} ${CMAKE_SOURCE_DIR}/examples/torch_plastic_rnn.py --seconds 15 --out torch.npz | tee out.txt; \
           ${Python_EXECUTABLE} -c \"import sys; s = open('out.txt').read().split('held-out episodes ')[1].split(); \
b, a = float(s[0]), float(s[2]); print('wrong signs', b, '->', a); sys.exit(0 if a < 0.05 and a < b / 2 else 1)\"; \
           $<TARGET_FILE:plastiscope> view --check torch.npz | grep -q 'a recording of 11 steps, 51 neurons'"
         WORKING_DIRECTORY ${PS_PY_TMP})
set_tests_properties(python_example_torch PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
# `cmake --install --component python` puts a working package under the prefix.
add_test(NAME python_install
         COMMAND sh -c "set -e; rm -rf prefix; ${CMAKE_COMMAND} --install ${CMAKE_BINARY_DIR} --component python --prefix prefix >/dev/null; \
           cd /; PYTHONPATH=${PS_PY_TMP}/prefix/${PS_PYTHON_INSTALL_DIR} ${Python_EXECUTABLE} -c \
             \"import plastiscope, os; assert plastiscope.__file__.startswith('${PS_PY_TMP}/prefix'), plastiscope.__file__; \
print('ok', os.path.dirname(plastiscope.__file__), len(plastiscope.tasks()), 'tasks')\""
         WORKING_DIRECTORY ${PS_PY_TMP})
get_property(ps_py_tests DIRECTORY PROPERTY TESTS)
list(FILTER ps_py_tests INCLUDE REGEX "^python_")
set_tests_properties(${ps_py_tests} PROPERTIES LABELS python ENVIRONMENT "${PS_PY_ENV}")
set_tests_properties(python_vs_cli python_tasks PROPERTIES TIMEOUT 300)
# The numpy example's recording opened in the lab itself (Xvfb): it plays, scrubs to the probe,
# and its H view has content on the screenshot.
if(TARGET ps_png_region AND PS_XVFB)
  add_test(NAME python_example_in_lab
           COMMAND sh -c "set -e; ${Python_EXECUTABLE} ${CMAKE_SOURCE_DIR}/examples/numpy_recorder.py lab.npz >/dev/null; \
             XDG_CONFIG_HOME=${PS_PY_TMP}/lab-config bash ${CMAKE_SOURCE_DIR}/tools/xvfb.sh $<TARGET_FILE:plastiscope> view lab.npz \
               --frames 20 --at 2 scrub=14 --screenshot lab.png > lab.out; cat lab.out; \
             grep -q 'task=recording .*shown_step=14 ' lab.out; \
             set -- $(grep '^view H ' lab.out); $<TARGET_FILE:ps_png_region> lab.png $3 $4 $5 $6"
           WORKING_DIRECTORY ${PS_PY_TMP})
  set_tests_properties(python_example_in_lab PROPERTIES LABELS "python;gui" TIMEOUT 300 RESOURCE_LOCK xvfb
                       ENVIRONMENT "${PS_PY_ENV}")
endif()
