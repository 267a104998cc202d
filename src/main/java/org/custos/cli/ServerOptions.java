package org.custos.cli;

import org.custos.fhir.ServerProfile;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;

/**
 * The options of every command that talks to a FHIR server: where it is and how to authenticate. Secrets come from
 * environment variables, never from the command line; a secret a header cannot carry is refused by name, never
 * quoted.
 */
final class ServerOptions {
    @Option(names = "--server", required = true, paramLabel = "URL", description = "The server's base URL")
    String server;

    static final class Auth {
        @Option(names = "--user", paramLabel = "U", description = "HTTP Basic user (with --password-env)")
        String user;

        @Option(names = "--token-env", paramLabel = "VAR", description = "Environment variable holding a bearer token")
        String tokenEnv;
    }

    @ArgGroup(exclusive = true)
    Auth auth;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password")
    String passwordEnv;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest wait for one answer (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--allow-insecure", description = "Allow sending the password or token over plain http to a "
            + "host other than this machine (unencrypted: anyone on the way can read it)")
    boolean allowInsecure;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The profile these options describe (a connect timeout of 10 s, the usual paging), with the secret read from
     * the environment. Its {@link ServerProfile#problems()} are the caller's to check.
     */
    ServerProfile profile() {
        ServerProfile p = ServerProfile.of("command line", server)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(timeoutSeconds))
                .withAllowInsecure(allowInsecure);
        if (auth != null && auth.user != null) {
            if (passwordEnv == null) {
                throw new ParameterException(command.commandLine(), "--user needs --password-env VAR");
            }
            ServerProfile.credentialProblem("user name (--user)", auth.user).ifPresent(m -> {
                throw new ParameterException(command.commandLine(), m);
            });
            p = p.withAuth(ServerProfile.AuthKind.BASIC, auth.user, env(passwordEnv, "password"));
        } else if (auth != null && auth.tokenEnv != null) {
            p = p.withAuth(ServerProfile.AuthKind.BEARER, null, env(auth.tokenEnv, "bearer token"));
        } else if (passwordEnv != null) {
            throw new ParameterException(command.commandLine(), "--password-env needs --user U");
        }
        return p;
    }

    /** A secret from the environment, refused (never quoted) when a header cannot carry it. */
    private String env(String name, String what) {
        String v = environment(name);
        if (v == null || v.isEmpty()) {
            throw new ParameterException(command.commandLine(), "the environment variable " + name + " is not set");
        }
        ServerProfile.credentialProblem(what + " in " + name, v).ifPresent(m -> {
            throw new ParameterException(command.commandLine(), m);
        });
        return v;
    }

    /** The variable as the top command gives it (a test gives its own environment). */
    private String environment(String name) {
        for (CommandSpec s = command; s != null; s = s.parent()) {
            if (s.userObject() instanceof CustosCommand top) {
                return top.env(name);
            }
        }
        return System.getenv(name);
    }
}
