package org.custos.demo;

import java.util.List;
import java.util.SplittableRandom;

/** Small deterministic random helpers. */
final class DemoRandom {

    private DemoRandom() {
    }

    /** Stafford variant 13 finalizer (as in SplittableRandom), used to derive independent per-event seeds. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Seed for stream {@code index} of a generator seeded with {@code seed}. */
    static long mix(long seed, long index) {
        return mix64(mix64(seed) + 0x9e3779b97f4a7c15L * (index + 1));
    }

    static <T> T pick(SplittableRandom rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    static <T> T pick(SplittableRandom rnd, List<T> values) {
        return values.get(rnd.nextInt(values.size()));
    }

    /** Index i with probability weights[i] / sum(weights). */
    static int weighted(SplittableRandom rnd, List<Integer> weights) {
        int[] w = new int[weights.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(i);
        }
        return weighted(rnd, w);
    }

    static int pick(SplittableRandom rnd, int[] values) {
        return values[rnd.nextInt(values.length)];
    }

    /** Index i with probability weights[i] / sum(weights). */
    static int weighted(SplittableRandom rnd, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = rnd.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static <T> void shuffle(List<T> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
