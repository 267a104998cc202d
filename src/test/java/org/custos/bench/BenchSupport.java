package org.custos.bench;

import ca.uhn.fhir.util.VersionUtil;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Shared plumbing of the benchmarks: settings, timing statistics, JVM facts, JSON output. Not a test. */
final class BenchSupport {
    /** Seed, end and span of the generated audit log: the same every run, so a written NDJSON file can be reused. */
    static final long SEED = 42L;
    static final Instant END = Instant.parse("2025-01-01T00:00:00Z");
    static final int DAYS = 365;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchSupport() {
    }

    static Path outDir() {
        Path p = Path.of(System.getProperty("bench.out", "target/bench")).toAbsolutePath().normalize();
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static int intProp(String name, int def) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        return Integer.parseInt(v.trim().replace("_", "").replace(",", ""));
    }

    static boolean boolProp(String name) {
        return Boolean.parseBoolean(System.getProperty(name, "false").trim());
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** {@code v} rounded; NaN and the infinities stay as they are (Math.round would make NaN a 0, which passes). */
    static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Median, p95 (nearest rank), min, max and mean of some latencies in ms. */
    record Stats(int n, double median, double p95, double min, double max, double mean) {
        static Stats of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (v.length == 0) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            double p95 = v[Math.max(0, (int) Math.ceil(0.95 * v.length) - 1)];
            return new Stats(v.length, median, p95, v[0], v[v.length - 1], Arrays.stream(v).average().orElse(0));
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("medianMs", round(median, 3));
            m.put("p95Ms", round(p95, 3));
            m.put("minMs", round(min, 3));
            m.put("maxMs", round(max, 3));
            m.put("meanMs", round(mean, 3));
            return m;
        }
    }

    /** Garbage collections so far: count and accumulated time, over all collectors. */
    record GcTotals(long count, long millis) {
        static GcTotals now() {
            long c = 0;
            long t = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                c += Math.max(0, gc.getCollectionCount());
                t += Math.max(0, gc.getCollectionTime());
            }
            return new GcTotals(c, t);
        }

        static GcTotals zero() {
            return new GcTotals(0, 0);
        }

        GcTotals minus(GcTotals before) {
            return new GcTotals(count - before.count, millis - before.millis);
        }

        GcTotals plus(GcTotals other) {
            return new GcTotals(count + other.count, millis + other.millis);
        }
    }

    /** CPU time used by the whole process (all threads, GC and H2's writer included), ns; -1 if unknown. */
    static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Used heap after full collections, i.e. what is actually retained. */
    static long usedHeapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc(); // a full, synchronous collection with G1 unless ExplicitGCInvokesConcurrent is set
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    /** Samples the used heap every couple of milliseconds on a scheduled daemon thread and keeps the maximum. */
    static final class HeapSampler implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-heap-sampler");
                    t.setDaemon(true);
                    return t;
                });
        private volatile long max;
        private volatile long samples;

        HeapSampler() {
            max = usedHeap();
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            timer.scheduleAtFixedRate(() -> {
                long used = mem.getHeapMemoryUsage().getUsed();
                if (used > max) {
                    max = used;
                }
                samples++;
            }, 0, 2, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        long max() {
            return max;
        }

        long samples() {
            return samples;
        }

        @Override
        public void close() {
            timer.shutdown();
            try {
                timer.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long used = usedHeap();
            if (used > max) {
                max = used;
            }
        }
    }

    static double mb(long bytes) {
        return round(bytes / (1024.0 * 1024.0), 1);
    }

    /** The JVM, machine and versions a result was measured on. */
    static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        m.put("loadAverage1m", round(os.getSystemLoadAverage(), 2));
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            m.put("physicalMemoryMB", mb(sun.getTotalMemorySize()));
        }
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("maxHeapMB", mb(Runtime.getRuntime().maxMemory()));
        List<String> gcs = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(g -> gcs.add(g.getName()));
        m.put("garbageCollectors", gcs);
        m.put("h2", String.valueOf(org.h2.Driver.class.getPackage().getImplementationVersion()));
        m.put("hapiFhir", VersionUtil.getVersion());
        m.put("git", git());
        return m;
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    /**
     * Writes a benchmark's figures as {@code <name>.json} and its table as {@code <name>.txt} under the output
     * folder; {@code -Dbench.tag=x} makes it {@code <name>-x.*} (e.g. for a run with another heap).
     */
    static Path writeResult(String name, Map<String, Object> content, String table) {
        String tag = System.getProperty("bench.tag", "").trim();
        String base = tag.isEmpty() ? name : name + "-" + tag;
        Path json = outDir().resolve(base + ".json");
        writeJson(json, content);
        try {
            Files.writeString(outDir().resolve(base + ".txt"), table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return json;
    }

    static void writeJson(Path file, Map<String, Object> content) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    static String pass(boolean ok) {
        return ok ? "PASS" : "FAIL";
    }

    /** A progress line on stderr, so stdout keeps only the tables. */
    static void log(String message) {
        System.err.println("[bench " + java.time.LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
    }
}
