package org.custos.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of the cold-pairs benchmark's openings: balanced, paired on the same values, every value once a side. */
class ColdPairsBenchTest {
    @Test
    void overTwoRoundsEachSideStandsAtEachPlaceOnceAndFollowsTheOtherAsOftenAsTheOtherFollowsIt() {
        for (int jvm = 0; jvm < 8; jvm++) {
            balanced(ColdPairsBench.firstRound(jvm));
        }
    }

    @Test
    void eachJvmStartsWithTheOtherOrderThanTheOneBeforeAndOnOtherValues() {
        for (int jvm = 1; jvm < 8; jvm++) {
            int a = ColdPairsBench.firstRound(jvm - 1);
            int b = ColdPairsBench.firstRound(jvm);
            assertThat(ColdPairsBench.order(b)[0]).as("JVM " + jvm).isNotEqualTo(ColdPairsBench.order(a)[0]);
            assertThat(ColdPairsBench.value(b, 0) % 20).as("JVM " + jvm).isNotEqualTo(ColdPairsBench.value(a, 0) % 20);
            assertThat(b).as("JVM %d starts after the rounds of the one before", jvm)
                    .isGreaterThanOrEqualTo(a + ColdPairsBench.WARM_UP_ROUNDS + ColdPairsBench.ROUNDS);
        }
    }

    private static void balanced(int r0) {
        List<Boolean> all = new ArrayList<>();
        int rounds = ColdPairsBench.WARM_UP_ROUNDS + ColdPairsBench.ROUNDS;
        assertThat(rounds % 2).as("whole pairs of rounds").isZero();
        assertThat(ColdPairsBench.ROUNDS % 2).as("whole pairs of counted rounds").isZero();
        for (int r = r0; r < r0 + rounds; r++) {
            for (boolean b : ColdPairsBench.order(r)) {
                all.add(b);
            }
        }
        int[][] after = new int[2][2]; // [side][side before]
        for (int i = 1; i < all.size(); i++) {
            after[all.get(i) ? 1 : 0][all.get(i - 1) ? 1 : 0]++;
        }
        assertThat(Math.abs(after[0][1] - after[1][0])).as("plain after encrypted / encrypted after plain")
                .isLessThanOrEqualTo(1);
        assertThat(Math.abs(after[0][0] - after[1][1])).as("plain after plain / encrypted after encrypted")
                .isLessThanOrEqualTo(1);
        for (int r = r0; r < r0 + rounds; r += 2) {
            for (int k = 0; k < 4; k++) {
                assertThat(ColdPairsBench.order(r)[k]).as("place " + k).isNotEqualTo(ColdPairsBench.order(r + 1)[k]);
            }
            for (boolean[] o : List.of(ColdPairsBench.order(r), ColdPairsBench.order(r + 1))) {
                assertThat(count(o, true)).isEqualTo(2);
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

    @Test
    void theOpeningsNextToEachOtherAreOneOfEachSideOnTheSameValuesAndEachValueComesOnceASide() {
        for (int jvm = 0; jvm < 8; jvm++) {
            pairedOnValues(ColdPairsBench.firstRound(jvm));
        }
    }

    private static void pairedOnValues(int r0) {
        Map<Boolean, List<Integer>> values = new HashMap<>();
        for (int r = r0 + ColdPairsBench.WARM_UP_ROUNDS; r < r0 + ColdPairsBench.WARM_UP_ROUNDS
                + ColdPairsBench.ROUNDS; r++) {
            boolean[] o = ColdPairsBench.order(r);
            for (int k = 0; k < 4; k += 2) {
                assertThat(o[k]).isNotEqualTo(o[k + 1]);
                assertThat(ColdPairsBench.value(r, k)).isEqualTo(ColdPairsBench.value(r, k + 1));
            }
            for (int k = 0; k < 4; k++) {
                values.computeIfAbsent(o[k], x -> new ArrayList<>()).add(ColdPairsBench.value(r, k) % 20);
            }
        }
        for (List<Integer> v : values.values()) {
            assertThat(v).hasSize(2 * ColdPairsBench.ROUNDS).doesNotHaveDuplicates();
        }
    }
}
