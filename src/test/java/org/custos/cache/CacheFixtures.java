package org.custos.cache;

import org.custos.fhir.Fhir;
import org.custos.sync.Importer;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The filled caches at older schemas in src/test/resources/caches (see the README there), and how they were made.
 * {@code main} rebuilds them: {@code mvn -q -o test-compile} then
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.custos.cache.CacheFixtures [OUT_DIR]}.
 */
public final class CacheFixtures {
    /** The demo events the fixtures hold (the first ones of the bundled demo data). */
    static final int DEMO_EVENTS = 2_000;
    static final String DEMO = "/org/custos/demo/demo-audit.ndjson.gz";

    private CacheFixtures() {
    }

    /** The fixture at {@code version}, or null when there is none. */
    static Path resource(int version) {
        var url = CacheFixtures.class.getResource("/caches/cache-v" + version + ".mv.db.gz");
        if (url == null) {
            return null;
        }
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unpacks a fixture to {@code target} (a ".mv.db" file). */
    static void unpack(Path gz, Path target) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, target);
        }
    }

    /** Rows per table of the H2 file at {@code base} (without ".mv.db"), flyway_schema_history left out. */
    /**
     * Whether H2 holds changes of the open cache that its background writer has yet to store (H2's own store, read
     * through its engine classes: there is no SQL for it).
     */
    static boolean unsavedChanges(Cache cache) throws SQLException {
        try (Connection c = cache.connection()) {
            org.h2.engine.SessionLocal session = (org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class)
                    .getSession();
            return session.getDatabase().getStore().getMvStore().hasUnsavedChanges();
        }
    }

    static Map<String, Long> rowCounts(Path base) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base + ";IFEXISTS=TRUE", "custos", "")) {
            return rowCounts(c);
        }
    }

    static Map<String, Long> rowCounts(Connection c) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM "
                + "INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME <> 'flyway_schema_history'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        for (String t : tables) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"" + t + "\"")) {
                rs.next();
                counts.put(t.toLowerCase(java.util.Locale.ROOT), rs.getLong(1));
            }
        }
        return counts;
    }

    /** The first {@code n} AuditEvent lines of the demo data, as they are in the file. */
    static List<String> demoAuditLines(int n) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                CacheFixtures.class.getResourceAsStream(DEMO)), StandardCharsets.UTF_8))) {
            for (String line; lines.size() < n && (line = r.readLine()) != null; ) {
                if (line.startsWith("{\"resourceType\":\"AuditEvent\"")) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /**
     * Leaves the file of the cache at {@code file} (encrypted with {@code key}, or plain) about {@code megabytes}
     * larger than what it holds, as an import does with the pages it rewrote: rows written to a scratch table and
     * dropped again, then closed as a crash or the command line leaves it (not tidily). Nothing the cache held changes.
     */
    public static void swell(Path file, CacheKey key, int megabytes) throws SQLException {
        try (Cache cache = Cache.open(file, key); Connection c = cache.connection()) {
            swell(c, megabytes);
        }
    }

    /** {@link #swell(Path, CacheKey, int)} through a connection to the cache. */
    static void swell(Connection c, int megabytes) throws SQLException {
        java.util.Random random = new java.util.Random(megabytes);
        byte[] megabyte = new byte[1 << 20];
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE swell_scratch(b VARBINARY(1048576))");
        }
        try (var insert = c.prepareStatement("INSERT INTO swell_scratch VALUES (?)")) {
            for (int i = 0; i < megabytes; i++) {
                random.nextBytes(megabyte); // not compressible, not shared
                insert.setBytes(1, megabyte);
                insert.executeUpdate();
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE swell_scratch");
        }
    }

    /** Fills {@code cache} with the first {@code n} demo events. */
    public static void demoEvents(Cache cache, int n) {
        String demo = String.join("\n", demoAuditLines(n)) + "\n";
        new Importer(cache, new Fhir()).importStream("demo", "bundled demo data", new ByteArrayInputStream(
                demo.getBytes(StandardCharsets.UTF_8)), "demo-audit.ndjson", Importer.SILENT);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/caches");
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("custos-fixtures");
        Path v4 = work.resolve("v4");
        try (Cache cache = Cache.open(v4)) {
            fill(cache);
        }
        try (Cache cache = Cache.open(v4)) {
            System.out.println("v4: " + rowCounts(cache.connection()));
            cache.compactAndClose();
        }
        gzip(work.resolve("v4.mv.db"), out.resolve("cache-v4.mv.db.gz"));

        // V3: the same cache with V4 undone (the current write path fills columns V3 does not have)
        Files.copy(work.resolve("v4.mv.db"), work.resolve("v3.mv.db"));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("v3"), "custos", "");
             Statement st = c.createStatement()) {
            st.execute("DROP INDEX audit_event_recorded");
            st.execute("ALTER TABLE audit_event DROP COLUMN agent_bits");
            st.execute("DROP TABLE audit_agent_key");
            st.execute("CREATE INDEX audit_event_recorded ON audit_event(recorded DESC, pk DESC)");
            st.execute("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '4'");
            System.out.println("v3: " + rowCounts(c));
            st.execute("SHUTDOWN COMPACT");
        }
        gzip(work.resolve("v3.mv.db"), out.resolve("cache-v3.mv.db.gz"));
        try (Stream<Path> files = Files.list(out)) {
            files.forEach(f -> System.out.println(f + " " + f.toFile().length() + " bytes"));
        }
    }

    private static void fill(Cache cache) throws IOException {
        Importer importer = new Importer(cache, new Fhir());
        // the demo events, then the official examples (Consent, Provenance, AuditEvent in JSON and XML)
        String demo = String.join("\n", demoAuditLines(DEMO_EVENTS)) + "\n";
        importer.importStream("demo", "bundled demo data", new ByteArrayInputStream(
                demo.getBytes(StandardCharsets.UTF_8)), "demo-audit.ndjson", Importer.SILENT);
        Path examples = Path.of("src/test/resources/examples/stu3");
        for (String type : List.of("consent", "provenance", "auditevent")) {
            try (Stream<Path> files = Files.list(examples.resolve(type))) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    importer.importFile(f, Importer.SILENT);
                }
            }
        }
        // two lines that cannot be read: quarantined
        importer.importStream("files", "/tmp/broken.ndjson", new ByteArrayInputStream(
                ("{\"resourceType\":\"AuditEvent\",\"id\":\"no-recorded\"}\n{not json\n")
                        .getBytes(StandardCharsets.UTF_8)), "broken.ndjson", Importer.SILENT);
        // a completed sync checkpoint (V2's table, V3's filter_key) and one delete a server reported (a tombstone)
        int server = cache.origins().idOf("http://127.0.0.1:8091/fhir");
        SyncState done = SyncState.fresh(server, "AuditEvent").startWindow(null, 1_790_000_000_000L, "days=0")
                .windowDone().ran(1_790_000_100_000L, "COMPLETED", "2000 new");
        cache.sync().save(done);
        String deleted = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(demoAuditLines(DEMO_EVENTS).get(DEMO_EVENTS - 1)).get("id").asText();
        cache.sync().storeDeletes(done, List.of(new DeletedResource("AuditEvent", deleted, null, 1_790_000_050_000L)));
    }

    private static void gzip(Path from, Path to) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(to), 1 << 16)) {
            Files.copy(from, o);
        }
    }
}
