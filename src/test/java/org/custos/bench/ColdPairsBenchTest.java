package org.custos.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of the cold-pairs benchmark's openings: balanced within each JVM, paired on the same values, every value
 * once a side, and over the JVMs each value taken with either cache first equally often.
 */
class ColdPairsBenchTest {
    private static final int JVMS = 8;
    private static final int VALUES = 20;
    private static final int ROUNDS = ColdPairsBench.WARM_UP_ROUNDS + ColdPairsBench.ROUNDS;

    @Test
    void overTwoRoundsEachSideStandsAtEachPlaceOnceAndFollowsTheOtherAsOftenAsTheOtherFollowsIt() {
        assertThat(ROUNDS % 2).as("whole pairs of rounds").isZero();
        assertThat(ColdPairsBench.ROUNDS % 2).as("whole pairs of counted rounds").isZero();
        for (int jvm = 0; jvm < JVMS; jvm++) {
            List<Boolean> all = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                for (boolean b : ColdPairsBench.orderOf(jvm, i)) {
                    all.add(b);
                }
            }
            int[][] after = new int[2][2]; // [side][side before]
            for (int n = 1; n < all.size(); n++) {
                after[all.get(n) ? 1 : 0][all.get(n - 1) ? 1 : 0]++;
            }
            assertThat(Math.abs(after[0][1] - after[1][0])).as("plain after encrypted / encrypted after plain")
                    .isLessThanOrEqualTo(1);
            assertThat(Math.abs(after[0][0] - after[1][1])).as("plain after plain / encrypted after encrypted")
                    .isLessThanOrEqualTo(1);
            for (int i = 0; i < ROUNDS; i += 2) {
                for (int k = 0; k < 4; k++) {
                    assertThat(ColdPairsBench.orderOf(jvm, i)[k]).as("JVM %d, place %d", jvm, k)
                            .isNotEqualTo(ColdPairsBench.orderOf(jvm, i + 1)[k]);
                }
                assertThat(count(ColdPairsBench.orderOf(jvm, i), true)).isEqualTo(2);
                assertThat(count(ColdPairsBench.orderOf(jvm, i + 1), true)).isEqualTo(2);
            }
        }
    }

    @Test
    void everyOtherJvmStartsWithTheOtherOrderAndEachOnOtherValuesThanTheOneBefore() {
        for (int jvm = 1; jvm < JVMS; jvm++) {
            assertThat(ColdPairsBench.orderOf(jvm, 0)[0]).as("JVM " + jvm)
                    .isNotEqualTo(ColdPairsBench.orderOf(jvm - 1, 0)[0]);
            assertThat(ColdPairsBench.valueOf(jvm, 0, 0) % VALUES).as("JVM " + jvm)
                    .isNotEqualTo(ColdPairsBench.valueOf(jvm - 1, 0, 0) % VALUES);
        }
    }

    @Test
    void theOpeningsNextToEachOtherAreOneOfEachSideOnTheSameValuesAndEachValueComesOnceASide() {
        for (int jvm = 0; jvm < JVMS; jvm++) {
            Map<Boolean, List<Integer>> values = new HashMap<>();
            for (int i = ColdPairsBench.WARM_UP_ROUNDS; i < ROUNDS; i++) {
                boolean[] o = ColdPairsBench.orderOf(jvm, i);
                for (int k = 0; k < 4; k += 2) {
                    assertThat(o[k]).isNotEqualTo(o[k + 1]);
                    assertThat(ColdPairsBench.valueOf(jvm, i, k)).isEqualTo(ColdPairsBench.valueOf(jvm, i, k + 1));
                }
                for (int k = 0; k < 4; k++) {
                    values.computeIfAbsent(o[k], x -> new ArrayList<>()).add(ColdPairsBench.valueOf(jvm, i, k) % VALUES);
                }
            }
            for (List<Integer> v : values.values()) {
                assertThat(v).as("JVM " + jvm).hasSize(2 * ColdPairsBench.ROUNDS).doesNotHaveDuplicates();
            }
        }
    }

    /**
     * What the review after series 9 found: with the same order in every JVM, a value's place in its round fixed which
     * cache went first on it in all of them. Over the eight JVMs each value must now be taken with the plain cache
     * first as often as with the encrypted one first, and at each place of a round as often by either cache.
     */
    @Test
    void overTheJvmsEachValueIsTakenWithEitherCacheFirstEquallyOften() {
        Map<Integer, int[]> plainFirst = new HashMap<>(); // value -> [plain first, encrypted first]
        Map<String, Integer> places = new HashMap<>(); // "value/place/side" -> count
        for (int jvm = 0; jvm < JVMS; jvm++) {
            for (int i = ColdPairsBench.WARM_UP_ROUNDS; i < ROUNDS; i++) {
                boolean[] o = ColdPairsBench.orderOf(jvm, i);
                for (int k = 0; k < 4; k += 2) {
                    int v = ColdPairsBench.valueOf(jvm, i, k) % VALUES;
                    plainFirst.computeIfAbsent(v, x -> new int[2])[o[k] ? 1 : 0]++;
                    places.merge(v + "/" + k + "/" + o[k], 1, Integer::sum);
                }
            }
        }
        assertThat(plainFirst).hasSize(VALUES);
        plainFirst.forEach((v, n) -> assertThat(n[0]).as("value %d: plain first / encrypted first", v).isEqualTo(n[1]));
        for (int v = 0; v < VALUES; v++) {
            for (int k = 0; k < 4; k += 2) {
                assertThat(places.getOrDefault(v + "/" + k + "/false", 0)).as("value %d at place %d", v, k)
                        .isEqualTo(places.getOrDefault(v + "/" + k + "/true", 0));
            }
        }
    }

    private static int count(boolean[] o, boolean side) {
        int n = 0;
        for (boolean b : o) {
            n += b == side ? 1 : 0;
        }
        return n;
    }
}
