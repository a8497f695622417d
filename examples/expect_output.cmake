# expect_output.cmake — run PROGRAM and check that it exits 0 and that its
# standard output matches every regular expression EXPECT_1, EXPECT_2, ...
#   cmake -DPROGRAM=path -DEXPECT_1=regex [-DEXPECT_2=regex ...] -P expect_output.cmake
execute_process(COMMAND ${PROGRAM}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} exited with ${rc}")
endif()
set(i 1)
while(DEFINED EXPECT_${i})
    if(NOT out MATCHES "${EXPECT_${i}}")
        message(FATAL_ERROR "the output does not match '${EXPECT_${i}}'")
    endif()
    math(EXPR i "${i} + 1")
endwhile()
if(i EQUAL 1)
    message(FATAL_ERROR "expect_output.cmake: no EXPECT_1 given")
endif()
