package org.custos.servers;

import javafx.application.Platform;
import org.custos.cache.Cache;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.SecretStore;
import org.custos.sync.SyncEngine;
import org.custos.ui.FxTaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the app ends a request that waits on a server that never answers (a connection test, a sync) at once,
 * through the task's cancel, instead of after the request's own deadline (10 s to connect + 60 s to read).
 */
class ClosingStopsRequestsTest {
    private final Preferences prefs = Preferences.userRoot().node("custos-closing-test-" + UUID.randomUUID());
    private Cache cache;
    private ServerSocket silent;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final CountDownLatch asked = new CountDownLatch(1);
    private FxTaskRunner tasks;
    private ServersViewModel vm;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage(); // the runner reports on the FX thread
    }

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        cache = Cache.open(dir.resolve("cache"));
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // accepted, read from never, answered never
                    asked.countDown();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
        tasks = new FxTaskRunner();
        vm = new ServersViewModel(new ProfileStore(prefs, new SecretStore(dir)), new SyncEngine(cache), tasks,
                () -> { }, ZoneOffset.UTC);
        onFx(() -> {
            vm.start();
            vm.form().nameProperty().set("Silent");
            vm.form().baseUrlProperty().set("http://127.0.0.1:" + silent.getLocalPort() + "/fhir");
            vm.save();
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.messageProperty().get().startsWith("Saved")
                && "Silent".equals(vm.selectedProperty().get()));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void tearDown() throws Exception {
        tasks.stopAll(m -> { });
        silent.close();
        for (Socket s : held) {
            s.close();
        }
        cache.close();
        prefs.removeNode();
    }

    private static void onFx(Runnable r) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                r.run();
            } finally {
                done.countDown();
            }
        });
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Closing as the app does (stopAll on its own thread); returns how long it waited, in seconds. */
    private double close(List<String> said) {
        long t0 = System.nanoTime();
        tasks.stopAll(said::add);
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void aConnectionTestWaitingOnASilentServerEndsAtOnce() throws Exception {
        onFx(vm::testConnection);
        assertThat(asked.await(30, TimeUnit.SECONDS)).as("the request reached the server; said: %s / %s", vm.messageProperty().get(), vm.checkResultProperty().get()).isTrue();
        List<String> said = new CopyOnWriteArrayList<>();
        double seconds = close(said);
        assertThat(said.get(0)).isEqualTo("Closing Custos: waiting for Testing the connection to http://127.0.0.1:"
                + silent.getLocalPort() + "/fhir to stop …");
        assertThat(seconds).as("not the request's own 70 s deadline").isLessThan(8);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.checkResultProperty().get()).startsWith("✘");
    }

    @Test
    void aSyncWaitingOnASilentServerEndsAtOnce() throws Exception {
        onFx(vm::sync);
        assertThat(asked.await(30, TimeUnit.SECONDS)).as("the request reached the server; said: %s / %s", vm.messageProperty().get(), vm.checkResultProperty().get()).isTrue();
        List<String> said = new CopyOnWriteArrayList<>();
        double seconds = close(said); // (without servers.stop(): the task's own cancel reaches the request)
        assertThat(said.get(0)).isEqualTo("Closing Custos: waiting for Syncing Silent to stop …");
        assertThat(seconds).as("not the request's own 70 s deadline").isLessThan(8);
    }
}
