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
        List<Boolean> all = new ArrayList<>();
        int rounds = ColdPairsBench.WARM_UP_ROUNDS + ColdPairsBench.ROUNDS;
        assertThat(rounds % 2).as("whole pairs of rounds").isZero();
        assertThat(ColdPairsBench.ROUNDS % 2).as("whole pairs of counted rounds").isZero();
        for (int r = 0; r < rounds; r++) {
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
        for (int r = 0; r < rounds; r += 2) {
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
        Map<Boolean, List<Integer>> values = new HashMap<>();
        for (int r = ColdPairsBench.WARM_UP_ROUNDS; r < ColdPairsBench.WARM_UP_ROUNDS + ColdPairsBench.ROUNDS; r++) {
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
