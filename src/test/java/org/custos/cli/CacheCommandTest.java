package org.custos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.Cache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code custos cache export-local} writes what only the cache holds, readable by this user only; {@code custos cache
 * decrypt} leaves a plain cache alone. ({@code encrypt} keeps a key in the keyring of whoever runs the tests, so it is
 * tested below the command line: {@code CacheKeysTest}, {@code CacheOpeningTest}.)
 */
class CacheCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportLocalWritesTheLocalOnlyDataAndDecryptLeavesAPlainCacheAlone() throws Exception {
        Path db = dir.resolve("custos");
        try (Cache cache = Cache.open(db)) {
            cache.review().openCase("Weekend looks", "officer", 1_000L);
        }
        Path out = dir.resolve("local.json");
        CommandLineTest.Run r = CommandLineTest.run("cache", "export-local", "--db", db.toString(), "-o",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Wrote").contains(out.toString());
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        assertThat(doc.at("/tables/review_case/0/title").asText()).isEqualTo("Weekend looks");
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        CommandLineTest.Run d = CommandLineTest.run("cache", "decrypt", "--db", db.toString());
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(d.out()).contains("is not encrypted");
    }
}
