package org.custos.cli;

import org.custos.demo.DemoGenerator;
import org.custos.fhir.Fhir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Writes a generated, realistic STU3 audit log (with the Patients and Practitioners it "
                + "references): a JSON Bundle (.json) or NDJSON (.ndjson), optionally gzipped (.gz).")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "6000", description = "How many AuditEvents (default ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed gives the same log")
    long seed;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "Output file: .json, .ndjson, .json.gz or .ndjson.gz")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (events < 1) {
            throw new ParameterException(spec.commandLine(), "--events must be at least 1");
        }
        String name = output.getFileName().toString();
        if (!name.matches(".*\\.(json|ndjson)(\\.gz)?")) {
            throw new ParameterException(spec.commandLine(),
                    "the output file must end in .json, .ndjson, .json.gz or .ndjson.gz: " + name);
        }
        new DemoGenerator(new Fhir().context(), seed).write(output, events);
        spec.commandLine().getErr().println("Wrote " + events + " AuditEvents to " + output);
        return 0;
    }
}
