package org.custos.cli;

import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.Verifier;
import org.custos.demo.DemoGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real {@code custos import} process stopped as Ctrl+C would (SIGTERM runs the same shutdown): the cache is closed cleanly. */
class ImportInterruptTest {

    @Test
    void anImportStoppedMidwayLeavesAClosedIntactCache(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.ndjson");
        new DemoGenerator(TestData.FHIR.context(), 21).write(file, 60_000);
        Path db = dir.resolve("cache");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dcustos.import.progressMillis=0", "-cp",
                System.getProperty("java.class.path"), "org.custos.app.Launcher", "import", file.toString(), "--db",
                db.toString()).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = r.readLine()) != null) {
                output.add(line);
                if (!signalled && line.matches("custos import: \\d+ resources read")
                        && Long.parseLong(line.replaceAll("\\D", "")) >= 5_000) {
                    p.toHandle().destroy(); // SIGTERM (streams stay open): the shutdown hooks run, as on Ctrl+C
                    signalled = true;
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("the import said it stopped and the cache was closed")
                .contains("custos import: stopped; what was read before is stored, the cache is closed");

        try (Cache cache = Cache.open(db)) {
            long stored = cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE);
            assertThat(stored).isBetween(1L, 59_999L);
            Verifier.Result r = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(r.intact()).as("%s", r.problems()).isTrue();
            // a stopped import ends at once: its events wait for the rules' next evaluation, none was judged
            assertThat(cache.alerts().doneTo()).isZero();
            assertThat(new org.custos.rules.AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC)
                    .catchUp(() -> false, n -> { }).evaluated()).isEqualTo(stored);
        }
    }
}
