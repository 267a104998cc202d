package org.custos.sync;

import ca.uhn.fhir.context.FhirContext;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.hl7.fhir.dstu3.model.Base;
import org.hl7.fhir.dstu3.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every shared STU3 example imports, is stored without loss, and exports as a resource equal to its input. */
class ImportExamplesTest {
    @TempDir
    static Path dir;
    static Cache cache;
    static Importer importer;
    static final FhirContext CTX = TestData.FHIR.context();

    @BeforeAll
    static void open() {
        cache = Cache.open(dir.resolve("cache"));
        importer = new Importer(cache, TestData.FHIR);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    @TestFactory
    Stream<DynamicTest> everyExampleImportsAndRoundTrips() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Stream.of("auditevent", "consent", "provenance", "provenance/contained")
                .flatMap(d -> list(TestData.examples().resolve(d)))) {
            files = s.toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(50);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getParent().getFileName() + "/" + f.getFileName(),
                () -> importAndCompare(f)));
    }

    private static Stream<Path> list(Path d) {
        try {
            return Files.list(d).filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".xml"))
                    .sorted();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void importAndCompare(Path file) throws IOException {
        ImportReport report = importer.importFile(file, Importer.SILENT);
        assertThat(report.quarantined()).as("quarantined: %s", report.problems()).isZero();
        String text = Files.readString(file);
        Resource input = (Resource) (file.toString().endsWith(".xml") ? CTX.newXmlParser() : CTX.newJsonParser())
                .parseResource(text);
        String type = input.fhirType();
        String id = input.getIdElement().getIdPart();
        assertThat(report.counts(type).added + report.counts(type).updated + report.counts(type).unchanged)
                .isEqualTo(1);
        Optional<String> stored = type.equals("AuditEvent") ? cache.audit().rawById(id)
                : cache.resources().raw(type, id);
        assertThat(stored).as("%s/%s stored", type, id).isPresent();
        Resource back = (Resource) CTX.newJsonParser().parseResource(stored.get());
        assertThat(back.equalsDeep(input)).as("%s equals its input after the cache:\n%s\nvs\n%s", file.getFileName(),
                CTX.newJsonParser().encodeResourceToString(back), CTX.newJsonParser().encodeResourceToString(input))
                .isTrue();

        // and out again through export, as stored
        StringWriter out = new StringWriter();
        new Exporter(cache).export(type, Exporter.Format.NDJSON, out);
        boolean exported = out.toString().lines().map(l -> (Base) CTX.newJsonParser().parseResource(l))
                .anyMatch(r -> r.equalsDeep(input));
        assertThat(exported).as("%s in the export", file.getFileName()).isTrue();
    }
}
