package org.custos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code custos report ...}: the privacy officer's reports. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Reports for a privacy officer: the accounting of disclosures of a patient.",
        subcommands = {ReportDisclosuresCommand.class})
final class ReportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name the report: " + String.join(", ",
                spec.subcommands().keySet()));
    }
}
