package org.custos.cli;

import org.custos.cache.DataDirs;
import org.custos.fhir.ClientKey;
import org.custos.fhir.SecretBackend;
import org.custos.fhir.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code custos key ...}: a SMART Backend Services key kept in the system keyring, for {@code custos sync --key
 * keyring:NAME} (no key file left on the disk).
 */
@Command(name = "key", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "SMART Backend Services keys kept in the system keyring: custos sync --key keyring:NAME.",
        subcommands = {KeyCommand.Store.class, KeyCommand.Remove.class})
final class KeyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name what to do: " + String.join(", ",
                spec.subcommands().keySet()));
    }

    private static SecretBackend keyring(CommandSpec spec) {
        SecretBackend s = Secrets.forThisUser(DataDirs.dataDir());
        if (!s.keyring()) {
            throw new ParameterException(spec.commandLine(), "There is no system keyring here (Secret Service, "
                    + "Keychain, Credential Manager): keep the key in a file readable only by you instead.");
        }
        return s;
    }

    @Command(name = "store", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Keeps the private key in FILE (PKCS#8 PEM or JWK) in the system keyring as NAME. The key "
                    + "is checked first; the file can be deleted afterwards.")
    static final class Store implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;
        @picocli.CommandLine.Option(names = "--replace", description = "Replace a key kept under NAME already")
        boolean replace;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            ClientKey key = ClientKey.parse(text, file.toString(), null); // a key that cannot sign is refused here
            SecretBackend s = keyring(spec);
            try {
                if (!replace && s.get(ServerOptions.keyEntry(name)).isPresent()) {
                    throw new ParameterException(spec.commandLine(), "The keyring holds a key named " + name
                            + " already: choose another name, or --replace it.");
                }
                s.put(ServerOptions.keyEntry(name), text);
                if (!s.get(ServerOptions.keyEntry(name)).map(text::equals).orElse(false)) {
                    throw new ParameterException(spec.commandLine(), "The keyring did not keep the key (some keyrings "
                            + "take only short secrets): keep it in a file readable only by you instead.");
                }
            } catch (IllegalStateException e) {
                throw new ParameterException(spec.commandLine(), "The keyring refused the key ("
                        + e.getClass().getSimpleName() + "): keep it in a file readable only by you instead.");
            } finally {
                s.close();
            }
            spec.commandLine().getOut().println("Kept the " + key.algorithm() + " key as " + name + " in the system "
                    + "keyring: custos sync --client-id ID --key keyring:" + name + ". You can delete " + file + ".");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Removes the key NAME from the system keyring.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            SecretBackend s = keyring(spec);
            s.remove(ServerOptions.keyEntry(name));
            s.close();
            spec.commandLine().getOut().println("Removed the key " + name + " from the system keyring.");
            return 0;
        }
    }
}
