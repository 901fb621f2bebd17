# Helpers shared by the project's CMake files.

# hydromet_add_doctest(NAME SOURCES...) builds one doctest executable and registers it with CTest.
function(hydromet_add_doctest name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE hydromet::hydromet hydromet_test_main hydromet_warnings)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "cpp" ENVIRONMENT
                                          "HYDROMET_DATA_DIR=${PROJECT_SOURCE_DIR}/data")
endfunction()
