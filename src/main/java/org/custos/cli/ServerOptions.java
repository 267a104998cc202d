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

        @Option(names = "--client-id", paramLabel = "ID", description = "SMART Backend Services: the client id "
                + "registered at the authorization server (with --key; the token endpoint is discovered)")
        String clientId;
    }

    @ArgGroup(exclusive = true)
    Auth auth;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the password")
    String passwordEnv;

    @Option(names = "--key", paramLabel = "FILE|keyring:NAME", description = "SMART Backend Services: the client's "
            + "private key (PKCS#8 PEM or JWK; RSA signs RS384, EC P-384 signs ES384): a file readable only by the "
            + "account running Custos, or keyring:NAME for one kept in the system keyring (custos key store NAME FILE)")
    String keyFile;

    @Option(names = "--key-id", paramLabel = "KID", description = "The key id the server knows the key by (default: "
            + "the JWK's kid, else the key's thumbprint)")
    String keyId;

    @Option(names = "--scope", paramLabel = "SCOPES", description = "SMART Backend Services: the scopes to ask for, "
            + "space-separated (default: system/TYPE.read for each type synced)")
    String scope;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "A CA certificate file (PEM or DER) trusted "
            + "besides Java's own, for an internal server")
    String caFile;

    @Option(names = "--client-cert", paramLabel = "FILE", description = "A client certificate with its key "
            + "(PKCS#12, .p12/.pfx) for a server that wants mutual TLS (its password with --client-cert-password-env)")
    String clientCert;

    @Option(names = "--client-cert-password-env", paramLabel = "VAR", description = "Environment variable holding "
            + "the client certificate's password")
    String clientCertPasswordEnv;

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
        if (clientCertPasswordEnv != null && clientCert == null) {
            throw new ParameterException(command.commandLine(), "--client-cert-password-env goes with --client-cert");
        }
        if (caFile != null || clientCert != null) {
            p = p.withTls(new org.custos.fhir.TlsSettings(caFile, clientCert, clientCertPasswordEnv == null ? null
                    : env(clientCertPasswordEnv, "client certificate password")));
        }
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
        } else if (auth != null && auth.clientId != null) {
            if (keyFile == null) {
                throw new ParameterException(command.commandLine(), "--client-id needs --key FILE or --key "
                        + "keyring:NAME (the client's private key)");
            }
            p = p.withAuth(ServerProfile.AuthKind.SMART, null, null)
                    .withSmart(org.custos.fhir.SmartClient.of(auth.clientId, scope));
        } else if (passwordEnv != null) {
            throw new ParameterException(command.commandLine(), "--password-env needs --user U");
        }
        if ((keyFile != null || scope != null || keyId != null) && (auth == null || auth.clientId == null)) {
            throw new ParameterException(command.commandLine(), "--key, --key-id and --scope go with --client-id");
        }
        return p;
    }

    /**
     * {@code p} with its backend-services session when it is a SMART profile (the key read, the token endpoint
     * discovered; the first token is fetched with the first request). Warnings (a key file others can read) go to
     * {@code err}.
     *
     * @throws org.custos.fhir.SmartException the key or the server's SMART configuration cannot be used
     */
    ServerProfile signedIn(ServerProfile p, java.io.PrintWriter err) {
        return signedIn(p, err, () -> org.custos.fhir.Secrets.forThisUser(org.custos.cache.DataDirs.dataDir()));
    }

    /** {@link #signedIn(ServerProfile, java.io.PrintWriter)} with the keyring of {@code secrets}. */
    ServerProfile signedIn(ServerProfile p, java.io.PrintWriter err,
                           java.util.function.Supplier<org.custos.fhir.SecretBackend> secrets) {
        if (p.auth() != ServerProfile.AuthKind.SMART || p.tokens() != null) {
            return p;
        }
        String text;
        if (keyFile.regionMatches(true, 0, KEYRING, 0, KEYRING.length())) {
            text = keyFromKeyring(keyFile.substring(KEYRING.length()), secrets.get());
        } else {
            try {
                text = keyFromFile(java.nio.file.Path.of(keyFile), err);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ParameterException(command.commandLine(), "--key: " + keyFile + " is not a file name ("
                        + e.getReason() + ")");
            }
        }
        org.custos.fhir.ClientKey key = org.custos.fhir.ClientKey.parse(text, keyFile, keyId);
        return p.withSession(org.custos.fhir.BackendSession.discover(p, p.smart().clientId(), key,
                p.smart().scopes(), java.time.Clock.systemUTC(), new org.custos.fhir.Cancellation()));
    }

    /** {@code --key keyring:NAME}: a key kept in the system keyring by {@code custos key store}. */
    static final String KEYRING = "keyring:";

    /** The keyring entry of the backend-services key NAME. */
    static String keyEntry(String name) {
        return "backend-key." + name;
    }

    private String keyFromKeyring(String name, org.custos.fhir.SecretBackend secrets) {
        if (!secrets.keyring()) {
            throw new ParameterException(command.commandLine(), "--key " + KEYRING + name + ": there is no system "
                    + "keyring here; give the key as a file instead.");
        }
        return secrets.get(keyEntry(name)).orElseThrow(() -> new ParameterException(command.commandLine(),
                "--key " + KEYRING + name + ": the system keyring holds no key by that name (custos key store "
                        + name + " FILE puts one there)."));
    }

    private String keyFromFile(java.nio.file.Path file, java.io.PrintWriter err) {
        String text;
        try {
            text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new ParameterException(command.commandLine(), "--key: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
                    java.nio.file.Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
                err.println("custos: warning: the key file " + file + " can be read by other accounts ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); chmod 600 it, or keep "
                        + "it in the keyring (custos key store NAME FILE).");
            }
        } catch (UnsupportedOperationException | java.io.IOException e) {
            // not POSIX: the file's folder protects it
        }
        return text;
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
