package org.custos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code custos provenance ...}: checking and making signed Provenance from the command line. */
@Command(name = "provenance", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Provenance review: verify a cached Provenance's signatures, sign a cached resource.",
        subcommands = {ProvenanceVerifyCommand.class, ProvenanceSignCommand.class})
final class ProvenanceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name what to do: " + String.join(", ",
                spec.subcommands().keySet()));
    }
}
