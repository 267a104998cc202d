package org.custos.servers;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.cache.Cache;
import org.custos.cache.LocalData;
import org.custos.ui.TaskRunner;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.prefs.Preferences;

/**
 * "Encrypt the cache" on the Servers tab: the cache at rest under a random key kept in the system keyring (only
 * there: without a keyring the option is off, and says why). What only the cache holds is saved to a file the user
 * chooses first — an encrypted cache whose key is lost cannot be read, and a new sync brings back only what servers
 * have. The cache is converted when Custos next starts (it is open now). "Save local-only data…" writes that file
 * at any time.
 */
public final class CacheProtectionModel {
    /** The preference the app reads at start: {@link #ON}, {@link #OFF}, or absent (the cache stays as it is). */
    public static final String PREF = "cache.encryption";
    public static final String ON = "on";
    public static final String OFF = "off";
    /** Why the last conversion at start failed (shown here), absent when it did not. */
    public static final String FAILED = "cache.encryption.failed";
    /** Where and when the local-only data was saved last. */
    public static final String EXPORTED_KEY = "cache.localExport";

    private final Cache cache;
    private final Preferences settings;
    private final TaskRunner tasks;
    private final BooleanSupplier keyring;
    private final BooleanProperty encrypt = new SimpleBooleanProperty();
    private final BooleanProperty available = new SimpleBooleanProperty(false);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");

    /** @param keyring whether the system keyring is there (may take a moment: asked in the background) */
    public CacheProtectionModel(Cache cache, Preferences settings, TaskRunner tasks, BooleanSupplier keyring) {
        this.cache = cache;
        this.settings = settings;
        this.tasks = tasks;
        this.keyring = keyring;
        encrypt.set(wanted());
        status.set(describe());
        tasks.submit(null, x -> keyring.getAsBoolean(), has -> {
            available.set(has || cache.encrypted());
            status.set(describe());
        }, t -> status.set("Cannot tell whether a keyring is there: " + t.getMessage()));
    }

    /** Whether the cache is (or is to be) encrypted: the checkbox. */
    public ReadOnlyBooleanProperty encryptProperty() {
        return encrypt;
    }

    /** Whether the option can be used: a keyring is there (or the cache is encrypted, to turn it off). */
    public ReadOnlyBooleanProperty availableProperty() {
        return available;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    private boolean wanted() {
        String w = settings.get(PREF, "");
        return w.isEmpty() ? cache.encrypted() : w.equals(ON);
    }

    /**
     * The checkbox was ticked ({@code on}) or unticked: on asks {@code exportTo} where to save the local-only data
     * first (null: the user cancelled, nothing changes); off decrypts at the next start.
     */
    public void toggled(boolean on, java.util.function.Supplier<Path> exportTo) {
        if (!on) {
            decrypt();
            return;
        }
        Path file = exportTo.get();
        if (file != null) {
            encrypt(file);
        }
    }

    /**
     * Turns encryption on: the local-only data is saved to {@code export} first; only when that worked is the cache
     * encrypted at the next start.
     */
    public void encrypt(Path export) {
        saveLocal(export, true);
    }

    /** Turns encryption off: the cache is decrypted at the next start. */
    public void decrypt() {
        put(cache.encrypted() ? OFF : null);
        encrypt.set(false);
        status.set(describe());
    }

    /** Saves the local-only data to {@code file} (readable by this user only). */
    public void saveLocal(Path file) {
        saveLocal(file, false);
    }

    private void saveLocal(Path file, boolean thenEncrypt) {
        if (busy.get()) {
            return;
        }
        busy.set(true);
        status.set("Saving the local-only data to " + file + " …");
        tasks.submit("Saving the local-only data", x -> {
            try (OutputStream out = Files.newOutputStream(org.custos.cli.PrivateFiles.create(file))) {
                return new LocalData(cache).export(out);
            }
        }, written -> {
            busy.set(false);
            settings.put(EXPORTED_KEY, java.time.LocalDate.now() + " to " + file.toAbsolutePath() + " ("
                    + written.total() + " rows and events)");
            if (thenEncrypt) {
                put(cache.encrypted() ? null : ON);
                encrypt.set(true);
            }
            status.set(describe());
        }, t -> {
            busy.set(false);
            encrypt.set(wanted());
            status.set("The local-only data could not be saved (" + t.getMessage() + ")"
                    + (thenEncrypt ? ", so the cache is not encrypted." : "."));
        });
    }

    private void put(String value) {
        if (value == null) {
            settings.remove(PREF);
        } else {
            settings.put(PREF, value);
        }
        settings.remove(FAILED);
    }

    /** What the option does now, in words. */
    String describe() {
        StringBuilder b = new StringBuilder();
        String w = settings.get(PREF, "");
        if (cache.encrypted()) {
            b.append(w.equals(OFF) ? "The cache is encrypted; it will be decrypted when Custos next starts."
                    : "The cache is encrypted (AES-256); its key is in the system keyring.");
        } else if (w.equals(ON)) {
            b.append("The cache will be encrypted when Custos next starts; its key will be kept in the system "
                    + "keyring.");
        } else if (!available.get()) {
            b.append("The cache is not encrypted. Encrypting it needs the system keyring to keep its key.");
        } else {
            b.append("The cache is not encrypted.");
        }
        String failed = settings.get(FAILED, null);
        if (failed != null) {
            b.append("\n⚠ At the last start: ").append(failed);
        }
        String saved = settings.get(EXPORTED_KEY, null);
        if (saved != null) {
            b.append("\nLocal-only data saved ").append(saved);
        }
        return b.toString();
    }
}
