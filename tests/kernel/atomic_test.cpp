#include <catch2/catch.hpp>

#include <linux/atomic.h>
#include <linux/bitops.h>

TEST_CASE("atomic_t operations return what Linux's do") {
    atomic_t v = ATOMIC_INIT(5);
    CHECK(atomic_read(&v) == 5);
    atomic_inc(&v);
    CHECK(atomic_inc_return(&v) == 7);
    CHECK(atomic_dec_return(&v) == 6);
    CHECK(atomic_fetch_add(4, &v) == 6);
    CHECK(atomic_read(&v) == 10);
    CHECK(atomic_cmpxchg(&v, 10, 3) == 10);
    CHECK(atomic_cmpxchg(&v, 10, 4) == 3);
    CHECK(atomic_xchg(&v, 1) == 3);
    CHECK(atomic_dec_and_test(&v));
    CHECK_FALSE(atomic_add_unless(&v, 1, 0));
    CHECK(atomic_inc_not_zero(&v) == false);
    int old = 0;
    CHECK(atomic_try_cmpxchg(&v, &old, 9));
    CHECK(atomic_read(&v) == 9);
}

TEST_CASE("bit operations set, clear and test across words") {
    unsigned long map[2] = {0, 0};
    CHECK_FALSE(test_and_set_bit(70, map));
    CHECK(test_and_set_bit(70, map));
    CHECK(map[1] == (1UL << 6));
    CHECK(test_and_clear_bit(70, map));
    CHECK_FALSE(test_bit(70, map));
    set_bit(0, map);
    CHECK(__ffs(map[0]) == 0);
    CHECK(ffz(0x7UL) == 3);
}
