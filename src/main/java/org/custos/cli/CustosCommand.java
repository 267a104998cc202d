package org.custos.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The command line: the same services as the app, no JavaFX. */
@Command(name = "custos", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Custos: FHIR STU3 audit, consent and provenance workstation (command line).",
        subcommands = {ImportCommand.class, ExportCommand.class, AuditCommand.class, DemoCommand.class,
                CompactCommand.class, SyncCommand.class, HistoryCommand.class, PurgeCommand.class, VerifyCommand.class,
                ConsentCommand.class, ProvenanceCommand.class, ReportCommand.class, AlertsCommand.class,
                VipCommand.class, CacheCommand.class, KeyCommand.class},
        footer = "Run without arguments to open the desktop app.")
public final class CustosCommand implements Runnable {
    public static final Set<String> COMMANDS = Set.of("import", "export", "audit", "demo", "compact", "sync", "history", "purge", "verify", "consent", "provenance", "report", "alerts", "vip", "cache", "key", "help",
            "-h", "--help", "-V", "--version");

    private final UnaryOperator<String> env;

    public CustosCommand() {
        this(System::getenv);
    }

    /** @param env the environment variables commands read secrets from (a test gives its own) */
    CustosCommand(UnaryOperator<String> env) {
        this.env = env;
    }

    /** An environment variable, or null. */
    String env(String name) {
        return env.apply(name);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs the command line and returns the exit code (0 ok, 1 error, 2 partly imported). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System::getenv);
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with the environment variables {@code env} gives. */
    static int run(String[] args, PrintWriter out, PrintWriter err, UnaryOperator<String> env) {
        CommandLine cl = new CommandLine(new CustosCommand(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println(c.getCommandName().equals("custos") ? "custos: " + ex.getMessage()
                    : "custos " + c.getCommandName() + ": " + ex.getMessage() + " (see --help)");
            err.flush();
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("custos " + c.getCommandName() + ": " + (ex.getMessage() == null ? ex.toString()
                    : ex.getMessage()));
            err.flush();
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static int run(String[] args) {
        return run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }
}
