package org.custos.cache;

import java.nio.file.Path;

/** A process that only opens (creating or upgrading) the cache at args[0] and closes it: the kill tests kill it. */
public final class OpenCacheChild {
    private OpenCacheChild() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        System.out.println("opening");
        System.out.flush();
        try (Cache c = Cache.open(Path.of(args[0]))) {
            System.out.println("opened in " + (System.nanoTime() - t0) / 1_000_000 + " ms: "
                    + c.openNotice().orElse("-"));
            System.out.flush();
        }
    }
}
