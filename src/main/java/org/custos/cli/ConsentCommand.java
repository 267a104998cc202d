package org.custos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code custos consent ...}: Consent work from the command line (the same services as the app's consent screens). */
@Command(name = "consent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Consent work: validate files, store a consent on a server, see the edits not yet sent, decide "
                + "a request against a cached consent, check past access against consent.",
        subcommands = {ConsentValidateCommand.class, ConsentPutCommand.class, ConsentOutboxCommand.class,
            ConsentDecideCommand.class, ConsentCheckCommand.class})
final class ConsentCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name what to do: " + String.join(", ",
                spec.subcommands().keySet()));
    }
}
