package org.custos.sync;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A real {@code custos sync} process killed with SIGKILL mid-way, then resumed: no gaps, no duplicates. */
@ExtendWith(FhirServerExtension.class)
class SyncKillTest {
    private static final Pattern PROGRESS = Pattern.compile("AuditEvent: (\\d+) of (\\d+) received");

    @Test
    void aSyncKilledMidwayResumesWithoutGapsOrDuplicates(LocalFhirServer server, @TempDir Path dir)
            throws Exception {
        server.purge();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            ids.addAll(ServerData.auditEvents(server, 100, 200 + i)); // 15 distinct _lastUpdated instants
        }
        Path db = dir.resolve("cache");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dcustos.sync.progressMillis=0", "-cp",
                System.getProperty("java.class.path"), "org.custos.app.Launcher", "sync", "--server",
                server.baseUrl(), "--types", "AuditEvent", "--page-size", "20", "--db", db.toString())
                .redirectErrorStream(true).start();
        int seen = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = PROGRESS.matcher(line);
                if (m.find() && Integer.parseInt(m.group(1)) >= 700) {
                    seen = Integer.parseInt(m.group(1));
                    p.destroyForcibly(); // SIGKILL: no shutdown hook, no tidy close
                    break;
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).as("the child got far enough to be killed mid-way").isBetween(700, 1499);

        try (Cache cache = Cache.open(db)) {
            long survived = cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE);
            assertThat(survived).as("what the killed process had committed").isBetween(1L, (long) seen);
            List<String> notices = new ArrayList<>();
            SyncReport report = new SyncEngine(cache).sync(
                    ServerProfile.of("t", server.baseUrl()).withPaging(20, Set.of("AuditEvent"), 0),
                    new SyncEngine.Options(null, SyncServerTest.FAST), new SyncListener() {
                        @Override
                        public void notice(String type, String message) {
                            notices.add(message);
                        }
                    }, new Cancellation());
            SyncReport.TypeResult ae = report.byType().get("AuditEvent");
            assertThat(report.completed()).as(ae.message).isTrue();
            assertThat(ae.added).isEqualTo(1500 - survived);
            assertThat(notices).as("the sync says it resumes").anyMatch(n -> n.startsWith("Resuming the sync"));
            // resumed at the checkpoint: at most one instant's events (100) fetched again, and one more instant for
            // each new start of the search on the way (a page that failed under load: the search starts again at
            // the last stored instant). CI once saw 120 fetched again, probably so (its notices were not kept); the
            // notices say why now. More than two new starts would make the bound too loose to catch a resume that
            // starts over, so they fail the test.
            long newStarts = notices.stream().filter(n -> n.contains("Searching again from")).count();
            assertThat(newStarts).as("new starts of the resumed search, with the notices %s", notices)
                    .isLessThanOrEqualTo(2);
            assertThat(ae.received()).as("fetched again, with the notices %s", notices)
                    .isLessThanOrEqualTo(1500 - survived + 100 * (1 + newStarts));
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(1500);
            assertThat(ServerData.cachedAuditIds(cache)).isEqualTo(new HashSet<>(ids));
        }
    }
}
