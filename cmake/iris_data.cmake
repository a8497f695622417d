# iris_data.cmake — writes iris_data.c, the C arrays of iris_data.h, from
# data/iris.csv, so that the embedded data and the CSV cannot drift.
# Run at build time by trainer/CMakeLists.txt:
#   cmake -DIRIS_CSV=data/iris.csv -DIRIS_C=build/.../iris_data.c -P iris_data.cmake
#
# Rule: one line per CSV row, in file order; each feature is the cell's
# decimal string with an `f` appended, so it is exactly the float strtof()
# gives for the cell; the label is the index of the row's class in order of
# first appearance; the names are the CSV header's and the classes'
# spellings.  Any cell outside that rule, or counts other than iris_data.h's,
# stop the build with the line at fault.
cmake_minimum_required(VERSION 3.25)

foreach(var IRIS_CSV IRIS_C)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "iris_data.cmake: -D${var}=... is required")
    endif()
endforeach()

# Counts iris_data.h declares; the CSV must match them exactly.
set(rows_expected 150)
set(features_expected 4)
set(classes_expected 3)

# A name: a C string literal without escapes.  A feature: an unsigned decimal
# with a fraction, which stays a valid float literal with `f` appended.
set(name_re "[A-Za-z][A-Za-z0-9_ -]*")
set(num_re "[0-9]+\\.[0-9]+")

file(STRINGS "${IRIS_CSV}" lines)
list(LENGTH lines n_lines)
math(EXPR n_rows "${n_lines} - 1")
if(NOT n_rows EQUAL rows_expected)
    message(FATAL_ERROR "${IRIS_CSV}: ${n_rows} data rows, iris_data.h expects ${rows_expected}")
endif()

list(GET lines 0 header)
string(REGEX REPLACE "\r$" "" header "${header}")
if(NOT header MATCHES "^(${name_re}),(${name_re}),(${name_re}),(${name_re}),(${name_re})$")
    message(FATAL_ERROR "${IRIS_CSV}:1: header is not 4 feature names and a target name: ${header}")
endif()
set(feature_names "")
foreach(k 1 2 3 4)
    list(APPEND feature_names "${CMAKE_MATCH_${k}}")
endforeach()
set(target_name "${CMAKE_MATCH_5}")

set(x_text "")
set(y_values "")
set(classes "")
set(line_no 1)
list(SUBLIST lines 1 -1 data_lines)
foreach(line IN LISTS data_lines)
    math(EXPR line_no "${line_no} + 1")
    string(REGEX REPLACE "\r$" "" line "${line}")
    if(NOT line MATCHES "^(${num_re}),(${num_re}),(${num_re}),(${num_re}),(${name_re})$")
        message(FATAL_ERROR "${IRIS_CSV}:${line_no}: not 4 decimals and a class name: ${line}")
    endif()
    string(APPEND x_text "    ${CMAKE_MATCH_1}f, ${CMAKE_MATCH_2}f, ${CMAKE_MATCH_3}f, ${CMAKE_MATCH_4}f,\n")
    set(class "${CMAKE_MATCH_5}")
    list(FIND classes "${class}" label)
    if(label EQUAL -1)
        list(LENGTH classes label)
        list(APPEND classes "${class}")
    endif()
    list(APPEND y_values ${label})
endforeach()

list(LENGTH classes n_classes)
if(NOT n_classes EQUAL classes_expected)
    message(FATAL_ERROR "${IRIS_CSV}: ${n_classes} classes, iris_data.h expects ${classes_expected}")
endif()

# Labels 25 to a line.
set(y_text "")
set(i 0)
foreach(label IN LISTS y_values)
    math(EXPR col "${i} % 25")
    if(col EQUAL 0)
        string(APPEND y_text "    ")
    endif()
    string(APPEND y_text "${label},")
    if(col EQUAL 24)
        string(APPEND y_text "\n")
    else()
        string(APPEND y_text " ")
    endif()
    math(EXPR i "${i} + 1")
endforeach()
string(REGEX REPLACE " $" "\n" y_text "${y_text}")

set(feature_text "")
foreach(name IN LISTS feature_names)
    string(APPEND feature_text "\"${name}\", ")
endforeach()
set(class_text "")
foreach(name IN LISTS classes)
    string(APPEND class_text "\"${name}\", ")
endforeach()
string(STRIP "${feature_text}" feature_text)
string(STRIP "${class_text}" class_text)

set(out "/*
 * iris_data.c — the 150 flowers of data/iris.csv as C arrays; see
 * iris_data.h.  Written at build time by cmake/iris_data.cmake, which
 * states the rule; do not edit.
 */
#include \"iris_data.h\"

const float nn_iris_x[NN_IRIS_ROWS * NN_IRIS_FEATURES] = {
${x_text}};

const int32_t nn_iris_y[NN_IRIS_ROWS] = {
${y_text}};

const char *const nn_iris_feature_names[NN_IRIS_FEATURES] = {
    ${feature_text}
};

const char *const nn_iris_class_names[NN_IRIS_CLASSES] = {
    ${class_text}
};

const char *const nn_iris_target_name = \"${target_name}\";
")

# Write only when the text changes, so an unchanged CSV rebuilds nothing.
file(CONFIGURE OUTPUT "${IRIS_C}" CONTENT "${out}" @ONLY)
