package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.CacheKeys;
import org.custos.cache.DataDirs;
import org.custos.cache.LocalData;
import org.custos.fhir.Secrets;
import org.custos.sync.CacheKeyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code custos cache ...}: the cache at rest — encrypt it, decrypt it, save what only it holds. */
@Command(name = "cache", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "The cache at rest: encrypt it with a random key kept in the system keyring, decrypt it, "
                + "export what exists only in it.",
        subcommands = {CacheCommand.Encrypt.class, CacheCommand.Decrypt.class, CacheCommand.ExportLocal.class})
final class CacheCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name what to do: " + String.join(", ",
                spec.subcommands().keySet()));
    }

    static CacheKeys keys() {
        return CacheKeyring.keys(Secrets.forThisUser(DataDirs.dataDir()));
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Encrypts the cache (AES-256, OCB3) with a new random key kept in the system keyring. Save "
                    + "what only the cache holds first (custos cache export-local): without its key, an encrypted "
                    + "cache cannot be read. The cache must not be open elsewhere.")
    static final class Encrypt implements Callable<Integer> {
        @Mixin
        CacheOption cacheOption;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path file = DataDirs.cacheFile(cacheOption.db);
            Optional<String> id = keys().encrypt(file);
            spec.commandLine().getOut().println(id.map(k -> "Encrypted " + file + "; its key (id " + k
                    + ") is in the system keyring.").orElse(file + " is encrypted already."));
            return 0;
        }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Decrypts the cache with its key from the system keyring, and removes the key.")
    static final class Decrypt implements Callable<Integer> {
        @Mixin
        CacheOption cacheOption;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path file = DataDirs.cacheFile(cacheOption.db);
            boolean was = keys().decrypt(file);
            spec.commandLine().getOut().println(was ? "Decrypted " + file + "." : file + " is not encrypted.");
            return 0;
        }
    }

    @Command(name = "export-local", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Writes what exists only in this cache (the outbox, alerts and investigations with their "
                    + "notes, rules, VIPs, saved searches, the disclosure definition, Custos's own audit trail) as "
                    + "one JSON file, readable only by you. Synced data comes back with a new sync; this does not.")
    static final class ExportLocal implements Callable<Integer> {
        @Mixin
        CacheOption cacheOption;
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The JSON file")
        Path output;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Cache cache = cacheOption.open(); OutputStream out = Files.newOutputStream(
                    PrivateFiles.create(output))) {
                LocalData.Written w = new LocalData(cache).export(out);
                spec.commandLine().getOut().println("Wrote " + w.total() + " rows and events to " + output + " "
                        + w.rows() + ", own trail: " + w.trailEvents() + ".");
            }
            return 0;
        }
    }
}
