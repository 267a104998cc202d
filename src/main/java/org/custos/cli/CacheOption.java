package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.DataDirs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The --db option every command shares. */
final class CacheOption {
    @Option(names = "--db", paramLabel = "PATH",
            description = "Cache file (default: $" + DataDirs.DB_ENV + ", else the user's data folder)")
    String db;
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Opens the cache; what opening it did (an upgrade, a restore after an interrupted one) goes to stderr. */
    Cache open() {
        // an encrypted cache opens with its key from the system keyring
        Cache cache = CacheCommand.keys().open(DataDirs.cacheFile(db));
        cache.openNotice().ifPresent(notice -> {
            var err = command.commandLine().getErr();
            err.println("custos " + command.name() + ": " + notice);
            err.flush();
        });
        return cache;
    }

    /**
     * Custos's own audit trail for what this command looks at: the operating-system user, this machine; queued too
     * for the servers whose profile (saved in the app) receives the trail; the app sends them.
     */
    static org.custos.trail.OwnTrail trail(Cache cache) {
        org.custos.fhir.ProfileStore profiles = new org.custos.fhir.ProfileStore(
                java.util.prefs.Preferences.userRoot().node(org.custos.fhir.ProfileStore.USER_NODE),
                org.custos.fhir.Secrets.forThisUser(DataDirs.dataDir()));
        return new org.custos.trail.OwnTrail(cache, () -> System.getProperty("user.name", "?"),
                org.custos.trail.OwnTrail::installationOfThisMachine, java.time.Clock.systemUTC())
                .sendingTo(profiles::trailReceivers);
    }
}
