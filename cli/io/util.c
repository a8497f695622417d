/*
 * util.c — the name of each cli_status (status.h), and the helpers of
 * internal.h: error messages, overflow checks, UTF-8 validation and the
 * capped whole-file reader that the CSV and safetensors readers share.
 */
/* fileno() and fstat() are POSIX. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cli_strstatus(cli_status status)
{
    switch (status) {
    case CLI_OK: return "ok";
    case CLI_ERR_ARG: return "bad argument";
    case CLI_ERR_NOMEM: return "out of memory";
    case CLI_ERR_OPEN: return "cannot open file";
    case CLI_ERR_READ: return "read error";
    case CLI_ERR_WRITE: return "write error";
    case CLI_ERR_TOO_LARGE: return "input too large";
    case CLI_ERR_NUL: return "NUL byte in text";
    case CLI_ERR_ENCODING: return "invalid UTF-8";
    case CLI_ERR_SYNTAX: return "malformed record";
    case CLI_ERR_MISSING: return "missing value";
    case CLI_ERR_NOT_NUMBER: return "not a number";
    case CLI_ERR_NONFINITE: return "not a finite number";
    case CLI_ERR_RANGE: return "out of range";
    case CLI_ERR_TOO_LONG: return "too long for a number";
    case CLI_ERR_EMPTY: return "empty input";
    case CLI_ERR_NO_DATA: return "no data rows";
    case CLI_ERR_HEADER: return "bad header";
    case CLI_ERR_UNKNOWN_COLUMN: return "unknown column";
    case CLI_ERR_RAGGED: return "ragged row";
    case CLI_ERR_UNKNOWN_CLASS: return "unknown class";
    case CLI_ERR_ONE_CLASS: return "fewer than two classes";
    case CLI_ERR_FORMAT: return "malformed safetensors file";
    case CLI_ERR_TRUNCATED: return "truncated file";
    case CLI_ERR_DTYPE: return "unsupported dtype";
    case CLI_ERR_NOT_FOUND: return "tensor not found";
    case CLI_ERR_SHAPE: return "unexpected tensor shape";
    }
    return "unknown status";
}

void cli_io_ok(cli_io_error *err)
{
    if (err) {
        err->status = CLI_OK;
        err->line = 0;
        err->column = 0;
        err->message[0] = '\0';
    }
}

cli_status cli_io_fail(cli_io_error *err, cli_status status, const char *source,
                          size_t line, size_t column, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n < 0) {
        err->message[0] = '\0';
        n = 0;
    }
    size_t used = (size_t)n < sizeof err->message ? (size_t)n : sizeof err->message - 1;
    if (source) {
        if (line)
            snprintf(err->message + used, sizeof err->message - used, " (%s:%zu)", source, line);
        else
            snprintf(err->message + used, sizeof err->message - used, " (%s)", source);
    }
    return status;
}

int cli_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 1;
    *out = a * b;
    return 0;
}

int cli_add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a)
        return 1;
    *out = a + b;
    return 0;
}

/* Messages show at most this many bytes of a value: enough to recognise
 * it, short enough to keep the line within a terminal. */
#define CLI_QUOTE_BYTES 40

void cli_io_quote(char *dst, size_t cap, const char *s, size_t len)
{
    size_t o = 0;
    const size_t room = cap - 5; /* closing quote, "...", NUL */
    dst[o++] = '"';
    size_t i = 0;
    for (; i < len && i < CLI_QUOTE_BYTES; i++) {
        const unsigned char c = (unsigned char)s[i];
        char tmp[8];
        size_t k;
        if (c < 0x20 || c == 0x7f)
            k = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", c);
        else if (c == '"' || c == '\\')
            k = (size_t)snprintf(tmp, sizeof tmp, "\\%c", c);
        else {
            tmp[0] = (char)c;
            k = 1;
        }
        if (o + k > room)
            break;
        memcpy(dst + o, tmp, k);
        o += k;
    }
    if (i < len) {
        /* Back off to a character boundary before the ellipsis. */
        while (o > 1 && ((unsigned char)dst[o - 1] & 0xc0) == 0x80)
            o--;
        if (o > 1 && (unsigned char)dst[o - 1] >= 0xc0)
            o--;
        dst[o++] = '"';
        memcpy(dst + o, "...", 3);
        o += 3;
    } else {
        dst[o++] = '"';
    }
    dst[o] = '\0';
}

int cli_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        const unsigned c = u[i];
        size_t n;
        unsigned cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            goto fail;
        }
        if (len - i <= n)
            goto fail;
        for (size_t k = 1; k <= n; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                goto fail;
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            goto fail;
        i += n + 1;
    }
    return 1;
fail:
    if (bad)
        *bad = i;
    return 0;
}

char *cli_strndup(const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void cli_io_format_size(char *dst, size_t cap, size_t bytes)
{
    const size_t gib = (size_t)1 << 30, mib = (size_t)1 << 20;
    if (bytes >= gib && bytes % gib == 0)
        snprintf(dst, cap, "%zu GiB", bytes / gib);
    else if (bytes >= mib && bytes % mib == 0)
        snprintf(dst, cap, "%zu MiB", bytes / mib);
    else if (bytes >= 1000000 && bytes % 1000000 == 0)
        snprintf(dst, cap, "%zu MB", bytes / 1000000);
    else
        snprintf(dst, cap, "%zu bytes", bytes);
}

cli_status cli_io_read_all(const char *path, size_t max_bytes, const char *what,
                              char **data, size_t *size, cli_io_error *err)
{
    if (max_bytes > SIZE_MAX / 2)
        max_bytes = SIZE_MAX / 2; /* keeps max_bytes + 2 below from wrapping */
    const int is_stdin = path == NULL || strcmp(path, "-") == 0;
    const char *source = is_stdin ? "<stdin>" : path;
    char limit[32];
    cli_io_format_size(limit, sizeof limit, max_bytes);

    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return cli_io_fail(err, CLI_ERR_OPEN, NULL, 0, 0, "cannot open %s '%s': %s", what,
                           path, strerror(errno));

    size_t cap = 1 << 16;
    struct stat st;
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            if (!is_stdin)
                fclose(f);
            return cli_io_fail(err, CLI_ERR_OPEN, NULL, 0, 0,
                               "cannot read %s '%s': it is a directory", what, source);
        }
        if (S_ISREG(st.st_mode)) {
            if ((unsigned long long)st.st_size > (unsigned long long)max_bytes) {
                if (!is_stdin)
                    fclose(f);
                return cli_io_fail(err, CLI_ERR_TOO_LARGE, source, 0, 0,
                                   "%s is larger than the %s limit (%lld bytes)", what, limit,
                                   (long long)st.st_size);
            }
            /* Room for the whole file, its NUL and one byte to see EOF. */
            cap = (size_t)st.st_size + 2;
        }
    }

    char *buf = malloc(cap);
    size_t n = 0;
    cli_status status = CLI_OK;
    if (!buf) {
        status = cli_io_fail(err, CLI_ERR_NOMEM, source, 0, 0, "out of memory reading %s",
                             what);
        goto done;
    }
    for (;;) {
        if (cap - n < 2) {
            /* Grow by half; never past max_bytes + 2 (enough to see that
             * the input is over the limit). */
            size_t grow = cap / 2, next;
            if (cli_add_size(cap, grow, &next) || next > max_bytes + 2)
                next = max_bytes + 2;
            if (next <= cap) {
                status = cli_io_fail(err, CLI_ERR_TOO_LARGE, source, 0, 0,
                                     "%s is larger than the %s limit", what, limit);
                goto done;
            }
            char *p = realloc(buf, next);
            if (!p) {
                status = cli_io_fail(err, CLI_ERR_NOMEM, source, 0, 0,
                                     "out of memory reading %s", what);
                goto done;
            }
            buf = p;
            cap = next;
        }
        const size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n > max_bytes) {
            status = cli_io_fail(err, CLI_ERR_TOO_LARGE, source, 0, 0,
                                 "%s is larger than the %s limit", what, limit);
            goto done;
        }
        if (got == 0) {
            if (ferror(f))
                status = cli_io_fail(err, CLI_ERR_READ, source, 0, 0, "cannot read %s: %s",
                                     what, strerror(errno));
            break;
        }
    }
done:
    if (!is_stdin)
        fclose(f);
    if (status != CLI_OK) {
        free(buf);
        return status;
    }
    buf[n] = '\0';
    *data = buf;
    *size = n;
    return CLI_OK;
}
