# Writes DST, the git commit and dirty flag of the source tree SRC, at every build (not only at
# configure time, which recorded the commit of the last `cmake` run in binaries built from later
# commits). The file is replaced only when its content changes, so an unchanged tree recompiles
# nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE sha OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT sha)
  set(sha unknown)
endif()
# Uncommitted changes to tracked files make the sha an incomplete description of the build.
set(dirty -1)  # unknown (not a git checkout)
if(NOT sha STREQUAL "unknown")
  execute_process(COMMAND git diff --quiet HEAD WORKING_DIRECTORY ${SRC}
                  RESULT_VARIABLE diff ERROR_QUIET)
  if(diff EQUAL 0)
    set(dirty 0)
  elseif(diff EQUAL 1)
    set(dirty 1)
  endif()
endif()
file(WRITE ${DST}.tmp "// Generated at build time by cmake/git_version.cmake.\n"
                      "#define FAIRMC_GIT_SHA \"${sha}\"\n#define FAIRMC_GIT_DIRTY ${dirty}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${DST}.tmp ${DST})
file(REMOVE ${DST}.tmp)
