# half_table.awk — the report of accuracy_half (or accuracy_half_exhaustive)
# as the Markdown table of docs/accuracy.md, "Half precision":
#
#   build/tests/accuracy/accuracy_half | awk -f tests/accuracy/half_table.awk
#
# One row per summary line ("accuracy: <function> <format> outputs N ...");
# "misrounded within" is converted from the format's spacing to float ulp
# (2^(p - 24) of the spacing, p = 8 for bf16 and 11 for f16).
BEGIN {
    print "| function | format | outputs | asserted | ulp of exact | below normal | correctly rounded | misrounded within (float ulp) | result |"
    print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
}
/^accuracy: / {
    sub(/^accuracy: /, "")
    for (i = 1; i <= NF; i++)
        if ($i == "f32" || $i == "bf16" || $i == "f16")
            break
    name = $1
    for (k = 2; k < i; k++)
        name = name " " $k
    fmt = $i
    if ($(i + 3) == "from-CR")
        asserted = $(i + 4)
    else
        asserted = sprintf("%.2f (of scale)", $(i + 4))
    cr = "—"
    mis = "—"
    for (k = i; k <= NF; k++) {
        if ($k == "correctly-rounded")
            cr = $(k + 1)
        if ($k == "misrounded-within")
            mis = sprintf("%.2f", $(k + 1) / 2 ^ ((fmt == "bf16" ? 8 : 11) - 24))
    }
    printf "| %s | %s | %s | %s | %.2f | %.2f | %s | %s | %s |\n", name, fmt, $(i + 2), asserted,
           $(i + 6), $(i + 10), cr, mis, $NF
}
