package org.custos.sync;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.custos.cache.Cache;
import org.custos.cache.SyncState;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Redactor;
import org.custos.fhir.RetryPolicy;
import org.custos.fhir.ServerCheck;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No password or token reaches an exception, a notice, a log line or the sync message stored in the cache: a token
 * a header cannot carry is refused up front, and a server that quotes the credentials back has them removed.
 */
@ExtendWith(FhirServerExtension.class)
class SecretLeakTest {
    private static final String TOKEN = "tok-Zq81-secret-4711";
    private final LocalFhirServer server;
    private Cache cache;
    private FaultProxy proxy;
    private final List<String> notices = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger custosLogger = (Logger) LoggerFactory.getLogger("org.custos");
    private Level oldLevel;

    SecretLeakTest(LocalFhirServer server) {
        this.server = server;
    }

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        server.purge();
        cache = Cache.open(dir.resolve("cache"));
        proxy = new FaultProxy(server.baseUrl());
        oldLevel = custosLogger.getLevel();
        custosLogger.setLevel(Level.DEBUG);
        logs.start();
        custosLogger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        custosLogger.detachAppender(logs);
        custosLogger.setLevel(oldLevel);
        proxy.close();
        cache.close();
    }

    private ServerProfile profile(String token) {
        return ServerProfile.of("leak", proxy.baseUrl()).withPaging(50, Set.of("AuditEvent"), 0)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .withAuth(ServerProfile.AuthKind.BEARER, null, token);
    }

    private SyncReport sync(ServerProfile p) {
        return new SyncEngine(cache).sync(p, new SyncEngine.Options(null, RetryPolicy.ONCE), new SyncListener() {
            @Override
            public void notice(String type, String message) {
                notices.add(message);
            }
        }, new Cancellation());
    }

    /** Every log line as it would be written: message, arguments, and the whole stack trace with its messages. */
    private String logged() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : logs.list) {
            sb.append(e.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Test
    void aTokenWithACarriageReturnIsRefusedByNameAndNeverQuoted() {
        String token = TOKEN + "\r";
        ServerProfile p = profile(token);
        assertThat(p.problems()).anyMatch(m -> m.contains("bearer token") && m.contains("line break"))
                .noneMatch(m -> m.contains(TOKEN));

        assertThatThrownBy(() -> sync(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bearer token")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(TOKEN));
        assertThat(proxy.seen()).as("nothing was sent").isEmpty();
        SyncState state = cache.sync().state(new SyncEngine(cache).originOf(p), "AuditEvent");
        assertThat(String.valueOf(state.lastMessage())).doesNotContain(TOKEN);

        ServerCheck.Result check = ServerCheck.run(p, new Cancellation());
        assertThat(check.ok()).isFalse();
        assertThat(check.messages()).anyMatch(m -> m.contains("bearer token")).noneMatch(m -> m.contains(TOKEN));
        assertThat(logged()).doesNotContain(TOKEN);
    }

    @Test
    void aServerThatQuotesTheTokenBackHasItRemovedFromMessagesLogsAndTheStoredState() {
        proxy.echoAuthorization(u -> true, 100, 401);
        ServerProfile p = profile(TOKEN);
        assertThat(p.problems()).isEmpty();

        SyncReport report = sync(p);
        SyncReport.TypeResult r = report.of("AuditEvent");
        assertThat(r.status).isEqualTo(SyncReport.Status.FAILED);
        assertThat(r.message).contains("401").contains("Rejected credentials").contains(Redactor.MARK)
                .doesNotContain(TOKEN);
        SyncState state = cache.sync().state(new SyncEngine(cache).originOf(p), "AuditEvent");
        assertThat(state.lastMessage()).contains(Redactor.MARK).doesNotContain(TOKEN);
        assertThat(notices).noneMatch(m -> m.contains(TOKEN));
        assertThat(logged()).contains("Sync of AuditEvent").doesNotContain(TOKEN);

        ServerCheck.Result check = ServerCheck.run(p, new Cancellation());
        assertThat(check.ok()).isFalse();
        assertThat(String.join("\n", check.messages())).contains("401").doesNotContain(TOKEN);
    }
}
