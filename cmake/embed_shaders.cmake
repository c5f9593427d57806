# Turns every shaders/NAME.glsl into `const char* ps_shader_NAME` in one generated .cpp.
set(body "// Generated from shaders/*.glsl at build time. Do not edit.\n")
foreach(f ${IN})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} src)
  string(APPEND body "extern const char* const ps_shader_${name};\nconst char* const ps_shader_${name} = R\"glsl(${src})glsl\";\n")
endforeach()
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
