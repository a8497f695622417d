/*
 * test_history.c — the per-epoch history behind `smx train --plot` and
 * the live line's sparkline: every epoch kept up to HISTORY_ENTRIES, then
 * neighbours merged into exact means with the right epochs; and the bar
 * and the sparkline drawn from it.
 */
#include "history.h"
#include "progress.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void every_epoch_while_there_is_room(void **state)
{
    (void)state;
    train_history h;
    memset(&h, 0, sizeof h);
    for (size_t e = 1; e <= HISTORY_ENTRIES; e++)
        assert_int_equal(history_add(&h, (double)e, 0.5, NAN, NAN, 0), CLI_OK);
    assert_int_equal(h.n, HISTORY_ENTRIES);
    assert_int_equal(h.stride, 1);
    assert_true(h.train_loss[0] == 1 && h.train_loss[HISTORY_ENTRIES - 1] == HISTORY_ENTRIES);
    assert_int_equal(history_epoch(&h, 9), 10);
    assert_false(history_has_validation(&h));
    history_free(&h);
}

static void merged_means_and_their_epochs(void **state)
{
    (void)state;
    /* 10000 epochs: stride 4 after two halvings, 2500 entries, each the
     * mean of its four epochs (4i + 2.5), which doubles hold exactly */
    train_history h;
    memset(&h, 0, sizeof h);
    for (size_t e = 1; e <= 10000; e++)
        assert_int_equal(history_add(&h, (double)e, 1.0 / 8, e > 5000 ? 2.0 : NAN, 0.25, e / 2),
                         CLI_OK);
    assert_int_equal(h.epochs, 10000);
    assert_int_equal(h.stride, 4);
    assert_int_equal(h.n, 2500);
    assert_int_equal(h.last_count, 4);
    for (size_t i = 0; i < h.n; i++) {
        assert_true(h.train_loss[i] == 4.0 * (double)i + 2.5);
        assert_true(h.train_accuracy[i] == 1.0 / 8);
        assert_int_equal(history_epoch(&h, i), 4 * (i + 1));
    }
    assert_true(isnan(h.val_loss[0]) && h.val_loss[h.n - 1] == 2.0);
    assert_true(history_has_validation(&h));
    assert_int_equal(h.best_epoch, 5000);
    /* a partial last entry: its epochs so far */
    assert_int_equal(history_add(&h, 10001, 0, 0, 0, 0), CLI_OK);
    assert_int_equal(h.n, 2501);
    assert_int_equal(history_epoch(&h, 2500), 10001);
    assert_true(h.train_loss[2500] == 10001);
    assert_int_equal(history_add(&h, 10003, 0, 0, 0, 0), CLI_OK);
    assert_true(h.train_loss[2500] == 10002); /* the running mean */
    assert_int_equal(history_epoch(&h, 2500), 10002);
    history_free(&h);
    assert_null(h.train_loss);
}

static void bar_and_sparkline(void **state)
{
    (void)state;
    char buf[64];
    progress_bar(buf, sizeof buf, 0.5, 4);
    assert_string_equal(buf, "\u2588\u2588  ");
    progress_bar(buf, sizeof buf, 0.5 + 3.0 / 32, 4); /* two cells and three eighths */
    assert_string_equal(buf, "\u2588\u2588\u258d ");
    progress_bar(buf, sizeof buf, 2.0, 2);
    assert_string_equal(buf, "\u2588\u2588");
    progress_bar(buf, sizeof buf, -1, 2);
    assert_string_equal(buf, "  ");

    const double falling[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    progress_sparkline(buf, sizeof buf, falling, 8, 8);
    assert_string_equal(buf, "\u2588\u2587\u2586\u2585\u2584\u2583\u2582\u2581");
    progress_sparkline(buf, sizeof buf, falling, 8, 4); /* means 7.5 5.5 3.5 1.5 */
    assert_string_equal(buf, "\u2588\u2586\u2583\u2581");
    const double gap[3] = {1, NAN, 3};
    progress_sparkline(buf, sizeof buf, gap, 3, 10); /* fewer values than cells */
    assert_string_equal(buf, "\u2581 \u2588");
    const double flat[2] = {2, 2};
    progress_sparkline(buf, sizeof buf, flat, 2, 10);
    assert_string_equal(buf, "\u2581\u2581");
    /* a buffer too small: whole characters only, terminated */
    char tiny[5];
    progress_sparkline(tiny, sizeof tiny, falling, 8, 8);
    assert_string_equal(tiny, "\u2588");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_epoch_while_there_is_room),
        cmocka_unit_test(merged_means_and_their_epochs),
        cmocka_unit_test(bar_and_sparkline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
