package org.custos;

import org.custos.fhir.Fhir;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared test fixtures: the one FhirContext per test JVM and the STU3 examples (test resources, see SOURCES.md). */
public final class TestData {
    public static final Fhir FHIR = new Fhir();

    private TestData() {
    }

    /**
     * The STU3 examples: {@code src/test/resources/examples/stu3} (copied from the shared folder, with their sources
     * and licences in SOURCES.md there), or another folder of the same layout given as {@code -Dcustos.examples=DIR}.
     */
    public static Path examples() {
        String prop = System.getProperty("custos.examples");
        Path p;
        if (prop != null && !prop.isBlank()) {
            p = Path.of(prop);
        } else {
            URL url = TestData.class.getResource("/examples/stu3");
            if (url == null) {
                throw new IllegalStateException("The STU3 examples are missing from the test resources");
            }
            try {
                p = Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("The STU3 examples are not at " + p.toAbsolutePath());
        }
        return p;
    }
}
